package legal

import "ctip"

// Message keys of the *ctip.Error values this package returns (all of Kind
// ctip.Invalid). They are translated by the i18n catalogue; the arguments
// are positional (%[1]v, %[2]v, …) and listed with each key. Where an
// argument is a citation it is a ctip.Text ("BLTTHS Điều 147 khoản 2" /
// "CPC Art. 147(2)"), rendered in the message's language;
// Keys lists every key.
const (
	// KeyAnnouncementInvalid — a line of the announcements CSV is wrong.
	// Args: line number (int), reason (English text).
	KeyAnnouncementInvalid = "legal.announcement_invalid"
	// KeyIntakeExtensionTooLong — a crime-information extension is longer
	// than the law allows. Args: citation, maximum months (int).
	KeyIntakeExtensionTooLong = "legal.intake_extension_too_long"
	// KeyExtensionNotPositive — an extension or period length is zero or
	// negative. Args: citation.
	KeyExtensionNotPositive = "legal.extension_not_positive"
	// KeyNoRulesInForce — no version of the rules is in force on the date
	// (before 1 Jan 2018). Args: the date (YYYY-MM-DD).
	KeyNoRulesInForce = "legal.no_rules_in_force"
	// KeyUnknownCategory — not one of the four Penal Code Art. 9 categories.
	// Args: the value given.
	KeyUnknownCategory = "legal.unknown_category"
	// KeyUnknownStage — not a stage with a time rule. Args: the value given.
	KeyUnknownStage = "legal.unknown_stage"
	// KeyUnknownReturner — not a body that can return a file for
	// supplementary investigation. Args: the value given.
	KeyUnknownReturner = "legal.unknown_returner"
	// KeyUnknownArticle — the article is not in the catalogue. Args: article.
	KeyUnknownArticle = "legal.unknown_article"
	// KeyUnknownClause — the article has no such clause. Args: article,
	// clause.
	KeyUnknownClause = "legal.unknown_clause"
	// KeyUnknownPoint — the clause has no such point (or it is not a point
	// letter). Args: article, clause, point.
	KeyUnknownPoint = "legal.unknown_point"
	// KeyClauseNotChargeable — a supplementary-penalty clause charged alone.
	// Args: article, clause.
	KeyClauseNotChargeable = "legal.clause_not_chargeable"
	// KeyNoCharges — a case category was asked for without charges. No args.
	KeyNoCharges = "legal.no_charges"
	// KeySupplementaryTooManyReturns — the file has already been returned
	// for supplementary investigation as often as that body may (CPC Art.
	// 174(2)). Args: citation, returner ("procuracy", "judge",
	// "trial_panel"), allowed returns (int).
	KeySupplementaryTooManyReturns = "legal.supplementary_investigation_too_many_returns"
	// KeyStageDetentionBeyondStage — a detention order of the prosecution
	// or trial-preparation stage ends after the stage's time limit (CPC
	// Arts 241, 278; the cap is Policy.StageDetentionUncapped). Args:
	// citation, the stage's last day (dd/mm/yyyy).
	KeyStageDetentionBeyondStage = "legal.stage_detention_beyond_stage"
	// KeyStageDetentionEndBeforeStart — the order's end date is before its
	// start. Args: citation.
	KeyStageDetentionEndBeforeStart = "legal.stage_detention_end_before_start"
)

// KeyExtensionTooLong returns the key of "extension number N of this stage
// is longer than the law allows", e.g. "legal.investigation_extension_too_long".
// Args: citation, extension number (int, from 1), the maximum (int) in the
// stage's unit: months for investigation, resumed_investigation and
// detention; days for prosecution, trial_preparation, hearing and custody.
func KeyExtensionTooLong(s Stage) string { return "legal." + string(s) + "_extension_too_long" }

// KeyTooManyExtensions returns the key of "the stage allows no further
// extension", e.g. "legal.detention_too_many_extensions". Args: citation,
// the number of extensions allowed (int).
func KeyTooManyExtensions(s Stage) string { return "legal." + string(s) + "_too_many_extensions" }

// Keys lists every message key used by this package, for the i18n catalogue
// test.
var Keys = func() []string {
	keys := []string{
		KeyAnnouncementInvalid,
		KeyIntakeExtensionTooLong,
		KeyExtensionNotPositive,
		KeyNoRulesInForce,
		KeyUnknownCategory,
		KeyUnknownStage,
		KeyUnknownReturner,
		KeyUnknownArticle,
		KeyUnknownClause,
		KeyUnknownPoint,
		KeyClauseNotChargeable,
		KeyNoCharges,
		KeySupplementaryTooManyReturns,
		KeyStageDetentionBeyondStage,
		KeyStageDetentionEndBeforeStart,
	}
	for _, s := range extendableStages {
		keys = append(keys, KeyExtensionTooLong(s), KeyTooManyExtensions(s))
	}
	return keys
}()

// extendableStages are the stages whose rules allow extensions.
var extendableStages = []Stage{
	StageInvestigation, StageResumedInvestigation, StageProsecution,
	StageTrialPreparation, StageHearing, StageCustody, StageDetention,
}

// invalid returns a *ctip.Error of Kind Invalid.
func invalid(key string, args ...any) *ctip.Error {
	return ctip.Errorf(ctip.Invalid, key, args...)
}
