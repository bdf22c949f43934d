// Package legal holds the pure legal rules of ctip: the Vietnamese
// working-day calendar (public holidays, lunar Tết and Hùng Kings' day), the
// time arithmetic of the Criminal Procedure Code (Bộ luật Tố tụng hình sự,
// BLTTHS, Art. 134) and the time limits for resolving crime information
// (CPC Arts 146–149). It does no I/O and never reads the clock: callers pass
// every date in.
//
// Source of truth: LEGAL.md (shared/domain). Rules marked U (unverified)
// there are settings of Policy with documented defaults, never constants.
//
// Message keys of the errors returned are listed in Keys.
package legal
