package api

import (
	"net/http"

	"ctip"
	"ctip/internal/casefile"
)

// CaseChargesBody is the body of POST /api/v1/cases/{id}/charges: a
// decision changing or supplementing the decision to institute proceedings
// (CPC Art. 156; with accused_id, Art. 180).
type CaseChargesBody struct {
	Version        *int            `json:"version"`
	Op             string          `json:"op"`
	AccusedID      *string         `json:"accused_id"`
	Charges        []CaseChargeDTO `json:"charges"`
	DocumentNumber string          `json:"document_number"`
	DocumentDate   string          `json:"document_date"`
	Signer         string          `json:"signer"`
	Reason         string          `json:"reason"`
}

func (s *Server) caseCharges(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b CaseChargesBody
	if err := decode(r, &b); err != nil {
		return err
	}
	var p ctip.Problems
	if b.Version == nil {
		p.Add("version", "error.required")
	}
	in := casefile.ChargeInput{Op: b.Op, AccusedID: optID(b.AccusedID, "accused_id", &p), Charges: caseCharges(b.Charges),
		DocumentNumber: b.DocumentNumber, DocumentDate: optDate(b.DocumentDate, "document_date", &p), Signer: b.Signer, Reason: b.Reason}
	if err := p.Err(); err != nil {
		return err
	}
	v, err := s.Cases.ChangeCharges(r.Context(), id, *b.Version, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseViewDTO(v, ctip.LocaleFrom(r.Context())))
}
