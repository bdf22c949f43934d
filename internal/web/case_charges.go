package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
)

// caseChargesData is the form changing or supplementing a decision to
// institute proceedings (CPC Arts 156, 180), of the case or of one accused.
type caseChargesData struct {
	V          *casefile.View
	Op         string
	Accused    *casefile.Accused // nil: the case's decision
	Current    []legal.Charge
	Category   legal.Category
	Basis      string
	Choices    caseChoices
	ChargeRows []int
	Today      ctip.Date
	Post       string
}

// chargesTarget reads the path and query: the case, the op and the accused.
func (s *Server) chargesTarget(r *http.Request) (*casefile.View, string, *casefile.Accused, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, "", nil, err
	}
	op := r.PathValue("op")
	if !slices.Contains(casefile.ChargeOps, op) {
		return nil, "", nil, ctip.ErrNotFound()
	}
	v, err := s.Cases.Get(r.Context(), id)
	if err != nil {
		return nil, "", nil, err
	}
	if q := r.URL.Query().Get("accused"); q != "" {
		accID, err := ctip.ParseID(q)
		if err != nil {
			return nil, "", nil, ctip.ErrNotFound()
		}
		for _, x := range v.Accused {
			if x.ID == accID {
				return v, op, x, nil
			}
		}
		return nil, "", nil, ctip.ErrNotFound()
	}
	return v, op, nil, nil
}

func (s *Server) caseChargesPage(w http.ResponseWriter, r *http.Request, status int, v *casefile.View, op string, x *casefile.Accused, f *Form) error {
	en := s.lang(r) == "en"
	data := &caseChargesData{V: v, Op: op, Accused: x, Current: v.Case.Charges, Category: v.Case.Category, Basis: casefile.ChargeBasis(x != nil, en),
		Choices: s.caseChoices(r), ChargeRows: []int{0, 1, 2}, Today: ctip.DateOf(s.Clock.Now()), Post: r.URL.RequestURI()}
	if x != nil {
		data.Current, data.Category = x.Charges, x.Category
	}
	if n := len(data.Current); op == casefile.ChargeChange && n > 2 {
		for i := 3; i < min(n+1, 5); i++ {
			data.ChargeRows = append(data.ChargeRows, i)
		}
	}
	p := s.page(r, "", data)
	p.Title = s.Cat.T(p.Lang, "case.charges_title."+op) + " · " + v.Case.Reference
	p.Form = f
	return s.render(w, r, status, "case_charges", p)
}

func (s *Server) caseChargesForm(w http.ResponseWriter, r *http.Request) error {
	v, op, x, err := s.chargesTarget(r)
	if err != nil {
		return err
	}
	if !v.CanCharge {
		return ctip.ErrForbidden()
	}
	f := newForm(url.Values{"version": {strconv.Itoa(v.Case.Version)}, "document_date": {ctip.DateOf(s.Clock.Now()).String()}})
	if op == casefile.ChargeChange {
		cur := v.Case.Charges
		if x != nil {
			cur = x.Charges
		}
		for i, ch := range cur {
			f.Values.Set(fmt.Sprintf("charges.%d.article", i), ch.Article)
			f.Values.Set(fmt.Sprintf("charges.%d.clause", i), ch.Clause)
			f.Values.Set(fmt.Sprintf("charges.%d.point", i), ch.Point)
		}
	}
	return s.caseChargesPage(w, r, http.StatusOK, v, op, x, f)
}

func (s *Server) caseCharges(w http.ResponseWriter, r *http.Request) error {
	v, op, x, err := s.chargesTarget(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ctip.Errorf(ctip.Invalid, "error.bad_form")
	}
	var pr ctip.Problems
	in := casefile.ChargeInput{Op: op, Charges: parseCharges(r, "charges"), DocumentNumber: r.PostFormValue("document_number"),
		DocumentDate: formDate(r, "document_date", &pr), Signer: r.PostFormValue("signer"), Reason: r.PostFormValue("reason")}
	if x != nil {
		in.AccusedID = ctip.Some(x.ID)
	}
	if len(pr) == 0 {
		if _, err = s.Cases.ChangeCharges(r.Context(), v.Case.ID, formInt(r, "version"), in); err == nil {
			return s.redirect(w, r, "/cases/"+v.Case.ID.String()+"#timeline", "flash.saved")
		}
	} else {
		err = pr.Err()
	}
	f := newForm(r.PostForm)
	if !s.formError(f, s.lang(r), err, caseLabel) {
		return err
	}
	fresh, gerr := s.Cases.Get(r.Context(), v.Case.ID)
	if gerr != nil {
		return gerr
	}
	if ctip.IsKind(err, ctip.Conflict) {
		f.Values.Set("version", strconv.Itoa(fresh.Case.Version))
	}
	return s.caseChargesPage(w, r, httpStatusFor(err), fresh, op, x, f)
}

// Targs translates a message whose arguments come as a list (a rule's
// refusal: key and args).
func (p *Page) Targs(key string, args []any) string { return p.s.Cat.T(p.Lang, key, args...) }

// Period words a legal period in the page's language ("02 tháng", "3 days").
func (p *Page) Period(d legal.Period) string {
	if p.Lang == "en" {
		return d.String()
	}
	return d.Vietnamese()
}
