package legal

import "ctip"

// Message keys of the *ctip.Error values this package returns (all of Kind
// ctip.Invalid). They are translated by the i18n catalogue; the arguments
// are positional (%[1]v, %[2]v, …) and listed with each key. Where an
// argument is a citation it is the English short form ("CPC Art. 147(2)");
// Keys lists every key.
const (
	// KeyAnnouncementInvalid — a line of the announcements CSV is wrong.
	// Args: line number (int), reason (English text).
	KeyAnnouncementInvalid = "legal.announcement_invalid"
	// KeyIntakeExtensionTooLong — a crime-information extension is longer
	// than the law allows. Args: citation, maximum months (int).
	KeyIntakeExtensionTooLong = "legal.intake_extension_too_long"
	// KeyExtensionNotPositive — an extension or period length is zero or
	// negative. Args: citation, the length given (int).
	KeyExtensionNotPositive = "legal.extension_not_positive"
)

// Keys lists every message key used by this package, for the i18n catalogue
// test.
var Keys = []string{
	KeyAnnouncementInvalid,
	KeyIntakeExtensionTooLong,
	KeyExtensionNotPositive,
}

// invalid returns a *ctip.Error of Kind Invalid.
func invalid(key string, args ...any) *ctip.Error {
	return ctip.Errorf(ctip.Invalid, key, args...)
}
