package ctip

// Message arguments that the i18n catalogue renders in the language of the
// message, so that a Vietnamese message never shows English words or raw
// codes (and an English one no Vietnamese citation).

// Label is a message argument that is itself a catalogue key — a status, an
// action, a regime: the catalogue renders its label, never the code.
type Label string

// Text is a message argument worded per language, e.g. a legal citation
// {"BLTTHS Điều 172", "CPC Art. 172"}. Outside the catalogue (logs, error
// strings) it reads as the Vietnamese source.
type Text struct{ VI, EN string }

// In returns the wording for a language ("en" or else Vietnamese).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// String returns the Vietnamese wording.
func (t Text) String() string { return t.VI }
