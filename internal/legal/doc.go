// Package legal holds the pure legal rules of ctip. It does no I/O and never
// reads the clock: callers pass every date in (ctip.Date, a calendar day in
// Vietnam). It imports only the standard library and the ctip kernel.
//
// The source of truth is LEGAL.md (shared/domain/LEGAL.md); every rule cites
// its article in its doc comment, and its Limit carries the citation in
// Vietnamese (Basis, e.g. "BLTTHS Điều 147 khoản 1") and English (BasisEN,
// e.g. "CPC Art. 147(1)") for display. Rules that LEGAL.md marks U
// (unverified) are settings of Policy, never constants; rules marked S
// (secondary) are either settings or data carrying Marker Secondary.
//
// # Working-day calendar (Labour Code 2019 Art. 112; LEGAL.md §1.6)
//
// Calendar knows the weekly rest days (Saturday, Sunday), the public holidays
// of Labour Code 2019 Art. 112(1) — 1 Jan; Tết (the last day of the lunar
// year and days 1–4 of month 1); Hùng Kings' day (10/3 lunar); 30 Apr;
// 1 May; 2 Sep — and the yearly announcements: extra days off (the day
// adjacent to 2 Sep, bridge days, compensatory days) and make-up working
// days, loaded with ParseAnnouncements from a "date,kind,note" CSV.
// Lunar dates come from the Vietnamese lunar calendar (SolarToLunar,
// LunarToSolar, LunarNewYear), computed astronomically at UTC+7 with Hồ Ngọc
// Đức's method — not the Chinese UTC+8 calendar, which differs in some years
// (Tết 1985: 21 Jan in Vietnam, 20 Feb in China; 2007: 17/18 Feb; 2030:
// 2/3 Feb).
//
// # Time arithmetic (CPC Art. 134(1); LEGAL.md §1.6)
//
// AddDays and AddMonths count from a start day that is not itself counted;
// a month limit ends on the same-numbered day, or the month's last day when
// there is none. Policy.MonthLimit always moves a last day that is a day
// off to the next working day; Policy.DayLimit does so only when
// Policy.RollDayLimits is set (U). Custody and detention count a month as 30
// days and are never moved (the date written in the order prevails).
// DaysLeft gives 0 on the last day and negative values when overdue.
//
// # Crime information (CPC Arts 146–149; LEGAL.md §1.1–1.2)
//
// IntakeNoticeToProcuracy (3 days, Art. 146), IntakeBase (20 days,
// Art. 147(1)), IntakeBodyExtension (≤ 2 months in total, Art. 147(2)),
// IntakeProcuracyExtension (once, ≤ 2 more months, ≤ 4 in total, Art.
// 147(3); requested ≥ IntakeExtensionRequestLeadDays before expiry),
// IntakeAfterCancelledSuspension (1 month, Art. 148(2)) and
// IntakeResumption (1 month, Art. 149(1)). These limits are totals counted
// from the day named (the 147(3) limit is receipt + 2 + n months).
//
// # Penal Code catalogue and categories (LEGAL.md §2, §0.1)
//
// Category encodes Penal Code Art. 9(1): LessSerious (ít nghiêm trọng, ≤ 3
// years), Serious (nghiêm trọng, > 3–7), VerySerious (rất nghiêm trọng,
// > 7–15), EspeciallySerious (đặc biệt nghiêm trọng, > 15–20, life or
// death); CategoryFor, Rank, MostSerious, LimitationYears (Art. 27).
// Catalogue holds Arts 150, 151, 153, 154, 348, 349 with every clause
// (prison bracket, category, supplementary-penalty clause, confidence
// marker) and Arts 347 and 350 for intake triage (S). A Charge is (article,
// clause, point); Catalogue.ChargeCategory refuses a supplementary-penalty
// clause charged alone, Catalogue.CaseCategory takes the most serious
// charge (a design assumption, U).
//
// # Procedural time limits (LEGAL.md §1.3–1.5, §1.7)
//
// Procedure holds a TimeRule per Stage and Category: base period, the
// extensions allowed in order (maximum, who grants them), the request lead
// time and the article. Investigation (Art. 172), ResumedInvestigation
// (Art. 174(1)), SupplementaryInvestigation (Art. 174(2)), Prosecution
// (Art. 240), TrialPreparation, TrialDecisionAfterReturn and Hearing
// (Art. 277), Custody (Art. 118) and Detention (Art. 173) compute a Limit
// from the start day and the extensions granted so far, refusing one too
// many or too long with a *ctip.Error. Extensions chain: each runs from the
// nominal end of the previous period, and only the final day is moved off
// a day off. RequestBy gives the last day to ask for an extension.
//
// # Versions
//
// Both tables are versioned by effective date; the version in force on the
// relevant day applies (for a charge, normally the day of the offence; for a
// time limit, the day it starts). Before the first version (1 Jan 2018, when
// the 2015 codes took effect) there are no rules (KeyNoRulesInForce).
//
//   - Penal Code: 2015 text as amended by Law 12/2017/QH14 (from 1 Jan 2018);
//     as amended by Law 86/2025/QH15 (from 1 Jul 2025) — same brackets for
//     these articles (S, LEGAL.md §0.1), kept separate so a clause can differ.
//   - Criminal Procedure Code: 2015 text (from 1 Jan 2018); as amended by Law
//     99/2025/QH15 (from 1 Jul 2025) — same time limits (V); who extends is
//     U and comes from Policy.
//
// # Settings (Policy) and their defaults
//
// The zero Policy is the default; DefaultPolicy spells it out.
//
//   - RollDayLimits = false — whether a day-based limit ending on a day off
//     moves to the next working day (U, LEGAL.md §1.6); false is the
//     conservative reading for alerting.
//   - InvestigationExtenders — who grants each Art. 172 extension by
//     category (U after Law 99/2025, LEGAL.md §1.3 and §8 item 1); default
//     the pre-2025 allocation for a provincial-level investigating body:
//     provincial procuracy, the Supreme People's Procuracy for the third
//     ĐBNT extension, the Procurator General for the extraordinary one.
//   - DetentionExtenders — the same for Art. 173 detention (U); default the
//     provincial procuracy, the Procurator General for the extraordinary one.
//   - DetentionExtraExtension = false — the Procurator General's extra
//     ≤ 4-month detention of an ĐBNT suspect beyond 12 months (S, LEGAL.md
//     §1.5 and §8 item 2); off until counsel confirms it.
//   - CustodyStartDayExcluded = false — custody/detention count their first
//     day (U: Art. 134(1) only says they end on the date in the order); the
//     earlier, conservative last day.
//   - StageDetentionUncapped = false — a detention order in the prosecution
//     (Art. 241) or trial-preparation (Art. 278) stage may not run beyond
//     the stage's time limit (U, LEGAL.md §1.5); the cap is on by default.
//
// Other data that may change: the announcements (yearly, from the
// government's notice), DefaultCatalogue and DefaultProcedure (replaceable
// by a checked version), IntakeExtensionRequestLeadDays and the other
// exported constants (V).
//
// Not modelled here: hour-based limits (12 h, 24 h), suspension of the
// investigation (Art. 229), the age of criminal responsibility (Art. 12).
//
// # Errors
//
// Every error is a *ctip.Error of Kind ctip.Invalid whose Key is an i18n
// message key; Keys lists them all and each Key… constant documents its
// arguments.
package legal
