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
	PermCaseRead, PermCaseWrite, PermCaseOversight, PermCaseProcuracy, PermCaseCourt, PermCaseKey, PermCampaigns,
	PermPersonRead, PermPersonWrite, PermVictimRead, PermVictimWrite, PermVictimReceive, PermVictimIdentity, PermBreakGlass, PermPersonExport, PermPersonMerge,
}

// Criminal cases (vụ án), CPC Parts 2–4: case file, stages, deadlines, key cases.
const (
	PermCaseRead      Permission = "case.read"       // read cases in scope
	PermCaseWrite     Permission = "case.write"      // institute and investigate the unit's cases (investigating body)
	PermCaseOversight Permission = "case.oversight"  // province-wide read (procuracy supervision; committee)
	PermCaseProcuracy Permission = "case.procuracy"  // record procuracy decisions (extensions, indictment, returns)
	PermCaseCourt     Permission = "case.court"      // record court decisions (trial preparation, judgment)
	PermCaseKey       Permission = "case.key"        // propose and agree key cases (vụ án trọng điểm)
	PermCampaigns     Permission = "campaign.manage" // peak enforcement campaigns (cao điểm) and their targets
)

// Persons and victims (Law 53/2024; Decree 13/2023, Law 91/2025 on personal data).
const (
	PermPersonRead     Permission = "person.read"        // read the person registry in scope (suspects, accused: police records)
	PermPersonWrite    Permission = "person.write"       // record and link persons
	PermVictimRead     Permission = "victim.read"        // read victim files under pseudonym (no identity)
	PermVictimWrite    Permission = "victim.write"       // reception, identification, protection, support, follow-ups
	PermVictimReceive  Permission = "victim.receive"     // record a reception (tiếp nhận): victim support, and the rescuing police / border guard (Law 53/2024 Arts 27(1)–(2), 30(2))
	PermVictimIdentity Permission = "victim.identity"    // may reveal a victim's identity when on the victim's team, with a reason
	PermBreakGlass     Permission = "victim.break_glass" // leaders outside the team: time-limited, audited, owner notified
	PermPersonExport   Permission = "person.export"      // exports containing identities (with a reason)
	PermPersonMerge    Permission = "person.merge"       // merge two records of the same real person (unit heads)
)
