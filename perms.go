package ctip

// The permission catalogue. Which role holds which permission is data in
// internal/auth (roles.go); this list only names them.
const (
	// Administration.
	PermAdminUnits    Permission = "admin.units"    // manage the unit tree
	PermAdminUsers    Permission = "admin.users"    // manage users, roles, sessions, tokens
	PermAdminSettings Permission = "admin.settings" // calendars, settings

	// Scope.
	PermLeaderSubtree Permission = "scope.subtree" // read records of the unit's subtree (unit heads)

	// Crime information (nguồn tin về tội phạm, CPC Arts 144–149).
	PermIntakeRead      Permission = "intake.read"      // read items in scope
	PermIntakeCreate    Permission = "intake.create"    // receive and record items
	PermIntakeProcess   Permission = "intake.process"   // transfer, verify, log actions
	PermIntakeAssign    Permission = "intake.assign"    // assign an officer (unit head)
	PermIntakeDecide    Permission = "intake.decide"    // record decisions and the investigating body's extensions
	PermIntakeOversight Permission = "intake.oversight" // province-wide read (procuracy supervision)
	PermIntakeProcuracy Permission = "intake.procuracy" // record procuracy decisions (extension, cancelling a suspension)
	PermReporterView    Permission = "intake.reporter"  // may be shown a protected reporter's identity (with the item-level rule)

	// Statistics and audit.
	PermStatsRead Permission = "stats.read" // aggregate statistics, no personal data
	PermAuditRead Permission = "audit.read" // read the audit trail
)

// AllPermissions lists the catalogue in display order.
var AllPermissions = []Permission{
	PermAdminUnits, PermAdminUsers, PermAdminSettings, PermLeaderSubtree,
	PermIntakeRead, PermIntakeCreate, PermIntakeProcess, PermIntakeAssign, PermIntakeDecide,
	PermIntakeOversight, PermIntakeProcuracy, PermReporterView,
	PermStatsRead, PermAuditRead,
}
