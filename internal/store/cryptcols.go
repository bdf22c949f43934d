package store

// EncryptedColumn names one encrypted column: its table, column and the
// column whose value is the row part of the associated data
// (crypt.AD(table, column, row)).
type EncryptedColumn struct {
	Table  string
	Column string
	RowKey string
}

// encryptedColumns is the one registry of encrypted columns in the
// database. Key rotation (rotate.go) and the raw-file test walk it: a module
// that adds an encrypted column registers it here (RegisterEncrypted, from
// an init in its own store file) so that rotation re-encrypts it.
var encryptedColumns = []EncryptedColumn{
	// Foundation.
	{"users", "totp_secret", "id"},
	// Crime information (issue 2).
	{"intake_items", "summary", "id"},
	{"intake_items", "persons", "id"},
	{"intake_items", "reporter_name", "id"},
	{"intake_items", "reporter_organisation", "id"},
	{"intake_items", "reporter_phone", "id"},
	{"intake_items", "reporter_email", "id"},
	{"intake_items", "reporter_id_number", "id"},
	{"intake_items", "reporter_address", "id"},
	{"intake_events", "note", "id"},
	{"intake_attachments", "filename", "id"},
	{"intake_attachments", "content", "id"},
	// Criminal cases (issue 3).
	{"cases", "summary", "id"},
	{"case_accused", "name", "id"},
	{"case_accused", "id_number", "id"},
	{"case_parties", "name", "id"},
	{"case_parties", "id_number", "id"},
	{"case_events", "note", "id"},
	{"case_attachments", "filename", "id"},
	{"case_attachments", "content", "id"},
	// Persons and victims (issue 4).
	{"persons", "full_name", "id"},
	{"persons", "aliases", "id"},
	{"persons", "date_of_birth", "id"},
	{"persons", "documents", "id"},
	{"persons", "phones", "id"},
	{"persons", "accounts", "id"},
	{"persons", "addresses", "id"},
	{"persons", "occupation", "id"},
	{"persons", "photo", "id"},
	{"persons", "notes", "id"},
	{"persons", "watch_reason", "id"},
	{"person_roles", "note", "id"},
	{"person_priors", "decision", "id"},
	{"identity_reveals", "reason", "id"},
	{"victims", "documents", "id"},
	{"victims", "transit", "id"},
	{"victims", "guardian", "id"},
	{"victim_support", "note", "id"},
	{"victim_followups", "findings", "id"},
	{"victim_protection", "relative", "id"},
	{"victim_protection", "assessment", "id"},
}

// RegisterEncrypted adds encrypted columns to the registry (call from an
// init function of the module's store file).
func RegisterEncrypted(cols ...EncryptedColumn) {
	encryptedColumns = append(encryptedColumns, cols...)
}

// EncryptedColumns returns the registry.
func EncryptedColumns() []EncryptedColumn {
	return append([]EncryptedColumn(nil), encryptedColumns...)
}
