package web

import (
	"encoding/json"
	"net/http"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/casefile"
	"ctip/internal/intake"
	"ctip/internal/victim"
)

// homeRows is how many rows each list of the start page shows.
const homeRows = 10

// homeCases is a short list of cases with the state of each one's next
// deadline, and the link to the full list.
type homeCases struct {
	Items []*casefile.Case
	Total int
	Label map[ctip.ID]string // casefile.DueLabel
	Days  map[ctip.ID]int
	State map[ctip.ID]casefile.DeadlineState
	More  string
}

// homeData is the start page: one section per role the user holds, each
// from the services (which apply the user's scope).
type homeData struct {
	Today ctip.Date
	// Crime information in the user's scope (every role reading it).
	Intake          *intake.StatusCounts
	IntakeOpen      int
	IntakeSuspended int
	IntakeRows      []homeStatusRow
	// Investigator: my cases with a clock ending within 7 days or over, my
	// crime information to verify.
	MyCases      *homeCases
	MyOverdue    int
	MyDueSoon    int
	MyIntake     []*intake.Item
	MyIntakeMore int
	// Leader and procurator: the board's counts of the scope; the leader's
	// overdue cases and crime information, the procuracy's own cases due.
	Board         *casefile.Board
	Overdue       *homeCases
	IntakeOverdue []*intake.Item
	Procuracy     *homeCases
	// Court: the cases in trial preparation.
	Court *homeCases
	// Victim support: the unit's files with clocks due, follow-ups this week.
	Victims *victim.Agenda
	// Analyst: aggregate counts only.
	Totals *casefile.Totals
}

type homeStatusRow struct {
	Status intake.Status
	Count  int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := ctip.ActorFrom(ctx)
	today := ctip.DateOf(s.Clock.Now())
	d := &homeData{Today: today}
	if a.Can(ctip.PermIntakeRead) && s.Intake != nil {
		c, err := s.Intake.Counts(ctx)
		if err != nil {
			return err
		}
		d.Intake, d.IntakeSuspended = &c, c.ByStatus[intake.Suspended]
		for _, st := range intake.Statuses {
			if st.Open() {
				d.IntakeOpen += c.ByStatus[st]
			}
			d.IntakeRows = append(d.IntakeRows, homeStatusRow{st, c.ByStatus[st]})
		}
	}
	due := casefile.Filter{DueBy: today.AddDays(casefile.DueSoonDays)}
	if a.HasRole(auth.RoleInvestigator) && s.Cases != nil {
		var err error
		if d.MyCases, err = s.homeCases(r, casefile.ViewMine, due, "/cases?view=mine&sort=due"); err != nil {
			return err
		}
		over, err := s.Cases.List(ctx, casefile.ViewOverdue, casefile.Filter{OfficerID: ctip.Some(a.UserID)}, ctip.PageRequest{Limit: 1})
		if err != nil {
			return err
		}
		d.MyOverdue, d.MyDueSoon = over.Total, d.MyCases.Total-over.Total
		if s.Intake != nil {
			page, err := s.Intake.List(ctx, intake.ViewMine, intake.Filter{Statuses: []intake.Status{intake.Assigned, intake.Verifying, intake.Resumed}},
				ctip.PageRequest{Limit: homeRows, Sort: "deadline"})
			if err != nil {
				return err
			}
			d.MyIntake, d.MyIntakeMore = page.Items, page.Total-len(page.Items)
		}
	}
	if (a.HasRole(auth.RoleLeader) || a.HasRole(auth.RoleProcurator)) && s.Cases != nil {
		b, err := s.Cases.Board(ctx, "", casefile.Filter{})
		if err != nil {
			return err
		}
		d.Board = b
	}
	if a.HasRole(auth.RoleLeader) {
		var err error
		if s.Cases != nil {
			if d.Overdue, err = s.homeCases(r, casefile.ViewOverdue, casefile.Filter{}, "/cases?view=overdue"); err != nil {
				return err
			}
		}
		if s.Intake != nil {
			page, err := s.Intake.List(ctx, intake.ViewOverdue, intake.Filter{}, ctip.PageRequest{Limit: homeRows, Sort: "deadline"})
			if err != nil {
				return err
			}
			d.IntakeOverdue = page.Items
		}
	}
	if a.HasRole(auth.RoleProcurator) && s.Cases != nil {
		f := due
		f.Holder = casefile.BodyProcuracy
		var err error
		if d.Procuracy, err = s.homeCases(r, "", f, "/cases?holder=procuracy&sort=due"); err != nil {
			return err
		}
	}
	if a.HasRole(auth.RoleCourt) && s.Cases != nil {
		f := casefile.Filter{Stages: []casefile.Stage{casefile.Indicted, casefile.TrialPreparation, casefile.TrialScheduled}}
		var err error
		if d.Court, err = s.homeCases(r, "", f, "/cases?stage=indicted&stage=trial_preparation&stage=trial_scheduled&sort=due"); err != nil {
			return err
		}
	}
	if a.HasRole(auth.RoleVictimSupport) && s.Victims != nil {
		ag, err := s.Victims.Agenda(ctx, homeRows)
		if err != nil {
			return err
		}
		d.Victims = ag
	}
	if a.HasRole(auth.RoleAnalyst) && s.Cases != nil {
		t, err := s.Cases.YearTotals(ctx)
		if err != nil {
			return err
		}
		d.Totals = t
	}
	return s.render(w, r, http.StatusOK, "home", s.page(r, "home.title", d))
}

// homeCases lists at most homeRows cases of a view, soonest deadline first.
func (s *Server) homeCases(r *http.Request, view string, f casefile.Filter, more string) (*homeCases, error) {
	page, err := s.Cases.List(r.Context(), view, f, ctip.PageRequest{Limit: homeRows, Sort: "due"})
	if err != nil {
		return nil, err
	}
	today := ctip.DateOf(s.Clock.Now())
	h := &homeCases{Items: page.Items, Total: page.Total, More: more, Label: map[ctip.ID]string{}, Days: map[ctip.ID]int{},
		State: map[ctip.ID]casefile.DeadlineState{}}
	for _, c := range page.Items {
		h.State[c.ID] = casefile.StateOf(c.NextDue, today)
		if !c.NextDue.IsZero() {
			h.Label[c.ID], h.Days[c.ID] = casefile.DueLabel(c.NextDue, today)
		}
	}
	return h, nil
}

// communes answers the commune list of a province (for the place selector).
func (s *Server) communes(w http.ResponseWriter, r *http.Request) error {
	type c struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	out := []c{}
	for _, cm := range s.Places.CommunesOf(r.URL.Query().Get("province")) {
		out = append(out, c{cm.Code, cm.FullName})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	return json.NewEncoder(w).Encode(out)
}
