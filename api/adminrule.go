package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The rule builder (/admin/c/:issuer/badges/:achievement/rule) edits a
// badge's rule as a form, one small form per condition, with the rule in
// words, its JSON and who it would award beside it. The form posts back to
// itself: "op" says whether to save, preview, read JSON, or change the
// tree (add, remove or retype a condition), so every step works without
// JavaScript; with htmx, a change of any field posts the form and swaps
// in the part beside it (rulepage.go draws both).

// ruleOp is what a builder form asks for.
type ruleOp struct {
	Name  string // "", "save", "preview", "json", "savejson", "add", "remove", "type"
	Place string // the condition an add, remove or type acts on
}

func parseRuleOp(s string) (ruleOp, error) {
	name, place, _ := strings.Cut(s, ":")
	switch name {
	case "", "save", "preview", "json", "savejson":
		if place == "" {
			return ruleOp{Name: name}, nil
		}
	case "add", "remove", "type":
		if ruleFieldName.MatchString(place + ".type") {
			return ruleOp{Name: name, Place: place}, nil
		}
	}
	return ruleOp{}, badges.FieldErrorf("op", "The action %q is not one the rule form knows.", ruleTruncate(s))
}

// handleRulePage shows a badge's rule: the builder for those who may
// change it, the same form read-only for the others.
func (s *Server) handleRulePage(c echo.Context) error {
	p, stored, err := s.rulePageFor(c)
	if err != nil {
		return err
	}
	f := p.defaultForm()
	if stored != nil {
		f = ruleTree(stored)
	}
	p.show(f)
	return s.renderAdmin(c, http.StatusOK, "rule", p)
}

// handleRuleForm answers the builder's form: a change of the tree, a
// preview, JSON to read, or the rule to save.
func (s *Server) handleRuleForm(c echo.Context) error {
	p, stored, err := s.rulePageFor(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badges.FieldErrorf("form", "The form could not be read.")
	}
	op, err := parseRuleOp(form.Get("op"))
	if err != nil {
		return err
	}
	if op.Name == "json" || op.Name == "savejson" {
		return s.ruleFromJSON(c, p, stored, form.Get("json"), op.Name == "savejson")
	}
	f, err := readRuleForm(form)
	if err != nil {
		return err
	}
	if op.Place != "" {
		if err := p.apply(f, op); err != nil {
			p.Form.Errors = append(p.Form.Errors, fieldError{Field: op.Place, Message: badges.ErrorMessage(err)})
		}
	}
	r := p.show(f)
	live := c.Request().Header.Get("HX-Request") == "true"
	switch {
	case op.Name == "save" && r != nil:
		return s.saveRule(c, p, r)
	case op.Name == "preview" || live:
		if err := s.preview(c, p, r); err != nil {
			return err
		}
	}
	if live {
		return s.renderAdminPart(c, "rule", "rule-live", p)
	}
	status := http.StatusOK
	if op.Name == "save" {
		status = http.StatusBadRequest
	}
	return s.renderAdmin(c, status, "rule", p)
}

// ruleFromJSON reads the "Edit as JSON" text with the API's parser: into
// the form, or stored at once. A problem is shown on the text, with the
// path the parser names, and the form keeps the stored rule.
func (s *Server) ruleFromJSON(c echo.Context, p *rulePage, stored *badges.Rule, text string, save bool) error {
	r, err := badges.ParseRule([]byte(text))
	if err != nil {
		if !isFormError(err) {
			return err
		}
		f := p.defaultForm()
		if stored != nil {
			f = ruleTree(stored)
		}
		p.show(f)
		p.JSONText = text
		p.Form.Errors = []fieldError{{Field: "json", Message: jsonMessage(err)}}
		return s.renderAdmin(c, http.StatusBadRequest, "rule", p)
	}
	if save {
		p.show(ruleTree(r))
		return s.saveRule(c, p, r)
	}
	p.show(ruleTree(r))
	p.Flash = "The JSON is in the form below. Nothing is saved yet."
	return s.renderAdmin(c, http.StatusOK, "rule", p)
}

// jsonMessage is a parser's message for the JSON text: with the path of
// the problem, which the text has no field to show it beside.
func jsonMessage(err error) string {
	msg := badges.ErrorMessage(err)
	if path := badges.ErrorField(err); path != "" && path != "rule" {
		return "At " + path + ": " + msg
	}
	return msg
}

// saveRule stores a rule as the API's PUT does, re-evaluation included,
// and returns to the builder; a problem the catalogue finds (a behaviour
// or badge that does not exist, a badge requiring itself) goes on its
// field.
func (s *Server) saveRule(c echo.Context, p *rulePage, r *badges.Rule) error {
	ctx := c.Request().Context()
	ach, err := s.svc.Catalogue.SetRule(ctx, p.Badge.ID, r)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.Errors = append(p.Form.Errors, fieldError{Field: fieldOfPath(badges.ErrorField(err)), Message: badges.ErrorMessage(err)})
		return s.renderAdmin(c, http.StatusBadRequest, "rule", p)
	}
	s.svc.Reevaluations.RuleChanged(ctx, ach, badges.ReevaluationRuleChanged)
	msg := "The rule of " + ach.Name + " is saved. "
	if ach.Status == badges.StatusActive {
		msg += "Laurel is re-evaluating it for every member now, and awards those who qualify."
	} else {
		msg += "The badge is not active, so nobody is awarded until it is activated."
	}
	return s.redirectDone(c, p.Action, msg)
}

// preview fills the preview part for a valid rule: the service the API's
// preview calls.
func (s *Server) preview(c echo.Context, p *rulePage, r *badges.Rule) error {
	if r == nil {
		return nil
	}
	out, err := s.svc.Previews.Preview(c.Request().Context(), p.Badge.ID, r)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.Errors = append(p.Form.Errors, fieldError{Field: fieldOfPath(badges.ErrorField(err)), Message: badges.ErrorMessage(err)})
		return nil
	}
	p.Preview = previewView(out)
	return nil
}

// show puts a form on the page and checks it with the API's parser: its
// problems go on the fields they name, and a valid rule gets its words
// and JSON. It returns the rule when it is valid.
func (p *rulePage) show(f *ruleForm) *badges.Rule {
	p.Tree = f
	data, err := f.ruleJSON(p.cohortIDs)
	if err != nil { // only strings, checked numbers, maps and slices: it cannot happen
		p.Form.Errors = append(p.Form.Errors, fieldError{Field: "c", Message: "The form could not be written as a rule."})
		return nil
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, data, "", "  ")
	p.JSON, p.JSONText = pretty.String(), pretty.String()
	r, err := badges.ParseRule(data)
	if err != nil {
		p.Form.Errors = append(p.Form.Errors, fieldError{Field: fieldOfPath(badges.ErrorField(err)), Message: badges.ErrorMessage(err)})
		return nil
	}
	if len(p.Form.Errors) > 0 {
		return nil
	}
	canonical, _ := json.MarshalIndent(r, "", "  ")
	p.JSON, p.JSONText, p.Valid = string(canonical), string(canonical), true
	words := p.names.describe(r.Condition)
	p.Words, p.PeriodWords = &words, periodWords(r.Period, p.Badge.Repeatable)
	return r
}
