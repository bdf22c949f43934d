package auth

import (
	"slices"

	"ctip"
)

// Role codes. A user may hold several roles; what a role allows is the
// catalogue below, kept as data: services check permissions, never roles.
const (
	RoleAdmin         = "admin"          // administers units, users, sessions, tokens, settings; sees no case records
	RoleLeader        = "leader"         // unit head: reads the unit's subtree, assigns, approves
	RoleIntake        = "intake"         // receives crime information
	RoleInvestigator  = "investigator"   // verifies crime information, investigates
	RoleProcurator    = "procurator"     // province-wide oversight read, records procuracy decisions
	RoleVictimSupport = "victim_support" // victim reception and support
	RoleAnalyst       = "analyst"        // aggregate statistics only, no personal data
	RoleAuditor       = "auditor"        // reads the audit trail
	RoleCourt         = "court"          // judge or court clerk: trial preparation, hearings, judgments
)

// Roles lists the role codes in display order.
var Roles = []string{RoleAdmin, RoleLeader, RoleIntake, RoleInvestigator, RoleProcurator, RoleVictimSupport, RoleAnalyst, RoleAuditor, RoleCourt}

// Catalogue maps each role to its permissions. It is the single place where
// roles get meaning; docs/SECURITY.md renders it as a table.
var Catalogue = map[string][]ctip.Permission{
	RoleAdmin: {ctip.PermAdminUnits, ctip.PermAdminUsers, ctip.PermAdminSettings},
	RoleLeader: {ctip.PermLeaderSubtree, ctip.PermIntakeRead, ctip.PermIntakeAssign, ctip.PermIntakeProcess,
		ctip.PermIntakeDecide, ctip.PermReporterView, ctip.PermStatsRead,
		ctip.PermCaseRead, ctip.PermCaseWrite, ctip.PermCaseKey, ctip.PermCampaigns,
		ctip.PermPersonRead, ctip.PermPersonWrite, ctip.PermVictimRead, ctip.PermBreakGlass, ctip.PermPersonMerge},
	RoleIntake: {ctip.PermIntakeRead, ctip.PermIntakeCreate, ctip.PermIntakeProcess,
		ctip.PermPersonRead, ctip.PermPersonWrite},
	RoleInvestigator: {ctip.PermIntakeRead, ctip.PermIntakeCreate, ctip.PermIntakeProcess, ctip.PermIntakeDecide,
		ctip.PermCaseRead, ctip.PermCaseWrite, ctip.PermPersonRead, ctip.PermPersonWrite, ctip.PermVictimRead, ctip.PermVictimIdentity,
		ctip.PermVictimReceive},
	RoleProcurator: {ctip.PermIntakeRead, ctip.PermIntakeOversight, ctip.PermIntakeProcuracy,
		ctip.PermCaseRead, ctip.PermCaseOversight, ctip.PermCaseProcuracy, ctip.PermCaseKey, ctip.PermPersonRead, ctip.PermVictimRead},
	RoleVictimSupport: {ctip.PermVictimRead, ctip.PermVictimWrite, ctip.PermVictimReceive, ctip.PermVictimIdentity, ctip.PermPersonRead, ctip.PermPersonExport},
	RoleAnalyst:       {ctip.PermStatsRead},
	RoleAuditor:       {ctip.PermAuditRead},
	RoleCourt:         {ctip.PermCaseRead, ctip.PermCaseCourt, ctip.PermCaseKey, ctip.PermPersonRead, ctip.PermVictimRead},
}

// ValidRole reports whether code is a known role.
func ValidRole(code string) bool { return slices.Contains(Roles, code) }

// PermissionsOf returns the union of the permissions of the roles.
func PermissionsOf(roles []string) map[ctip.Permission]bool {
	perms := map[ctip.Permission]bool{}
	for _, r := range roles {
		for _, p := range Catalogue[r] {
			perms[p] = true
		}
	}
	return perms
}

// NeedsTOTP reports whether holding these roles makes a second factor
// mandatory: administrators, and every role that can see a victim's
// identity (reveal or break the glass; ARCHITECTURE.md §4 Security).
func NeedsTOTP(roles []string) bool {
	perms := PermissionsOf(roles)
	return slices.Contains(roles, RoleAdmin) || perms[ctip.PermVictimIdentity] || perms[ctip.PermBreakGlass]
}
