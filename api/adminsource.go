package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// Sources of activity in the console (Integrations › Activity sources):
// the list, adding one (its URL and secret shown once, with the tool's
// set-up steps), its settings and mapping, a dry run of a sample delivery
// (adminsourcetry.go), and its latest calls — through the same Sources
// service as /api/v1/sources.

// presetChoices name the presets for people.
var presetChoices = []choice{
	{Value: string(mapping.PresetDiscourse), Label: "Discourse forum"},
	{Value: string(mapping.PresetGitHub), Label: "GitHub"},
	{Value: string(mapping.PresetGeneric), Label: "Another tool or script (Laurel’s JSON)"},
}

var unknownChoices = []choice{
	{Value: string(badges.UnknownSkip), Label: "Skip the activity (the delivery succeeds)"},
	{Value: string(badges.UnknownCreate), Label: "Add the member, when the delivery carries an e-mail address"},
	{Value: string(badges.UnknownReject), Label: "Reject the delivery, so the tool shows it failed"},
}

// chosen marks the choice of value selected.
func chosen(cs []choice, value string) []choice {
	out := slices.Clone(cs)
	for i := range out {
		out[i].Selected = out[i].Value == value
	}
	return out
}

func presetLabel(p mapping.Preset) string {
	for _, c := range presetChoices {
		if c.Value == string(p) {
			return strings.TrimSuffix(c.Label, " forum")
		}
	}
	return string(p)
}

type sourceRow struct {
	*badges.Source
	Tool string
	Last *badges.SourceCall
}

type sourcesPage struct {
	adminPage
	Sources []sourceRow
	Name    string
	Presets []choice
	Unknown []choice
	Form    formState
}

func (s *Server) handleSourcesPage(c echo.Context) error {
	return s.renderSources(c, http.StatusOK, sourcesPage{}, "", "")
}

func (s *Server) renderSources(c echo.Context, status int, p sourcesPage, preset, unknown string) error {
	v := visitOf(c)
	ctx := c.Request().Context()
	p.adminPage = s.adminPageFor(c, v, "Activity sources", "integrations")
	list, err := s.svc.Sources.List(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	for _, src := range list {
		row := sourceRow{Source: src, Tool: presetLabel(src.Preset)}
		calls, err := s.svc.Sources.Calls(ctx, v.Community.ID, src.ID)
		if err != nil {
			return err
		}
		if len(calls) > 0 {
			row.Last = &calls[0]
		}
		p.Sources = append(p.Sources, row)
	}
	p.Presets, p.Unknown = chosen(presetChoices, preset), chosen(unknownChoices, unknown)
	return s.renderAdmin(c, status, "sources", p)
}

func sourcePath(communityID, id string) string {
	return "/admin/c/" + communityID + "/integrations/sources/" + id
}

// handleSourceCreateForm adds a source and shows it with its secret, once.
func (s *Server) handleSourceCreateForm(c echo.Context) error {
	v := visitOf(c)
	name, preset, unknown := c.FormValue("name"), c.FormValue("preset"), c.FormValue("unknownMembers")
	src, err := s.svc.Sources.Create(c.Request().Context(), v.Community.ID, badges.SourceInput{Name: name,
		Preset: mapping.Preset(preset), UnknownMembers: badges.UnknownMembers(unknown)})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := sourcesPage{Name: name}
		p.Form.fail(err, "name")
		return s.renderSources(c, statusOfFormError(err), p, preset, unknown)
	}
	s.keepOnce(c, "source", src.ID, src.Secret)
	return s.redirectDone(c, sourcePath(v.Community.ID, src.ID), "The source “"+src.Name+"” is added. Set it up in "+presetLabel(src.Preset)+" now: its secret is shown this once.")
}

// sourcePage is one source: its set-up, settings, a dry run and its
// latest calls.
type sourcePage struct {
	adminPage
	Source     *badges.Source
	Tool       string
	URL        string
	Header     string
	Secret     string // just made or rotated: shown once
	Name       string
	Mapping    string
	Unknown    []choice
	Enabled    []choice
	Behaviours []behaviourUse
	Calls      []sourceCallView
	Form       formState
	Try        sourceTry
}

// sourceCallView is a delivery as the log shows it, to the minute.
type sourceCallView struct {
	badges.SourceCall
	When string
}

// behaviourUse is a behaviour a mapping records, and whether the
// community's catalogue has it (a delivery of one it lacks is rejected).
type behaviourUse struct {
	Key, Name string
	Known     bool
}

func (s *Server) handleSourcePage(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	p := sourcePage{Name: src.Name, Mapping: src.MappingJSON()}
	if o := s.takeOnce(c, "source"); o != nil && o.Subject == src.ID {
		p.Secret = o.Secret
	}
	p.Try.Headers, p.Try.Payload = mapping.Sample(src.Preset)
	return s.renderSource(c, http.StatusOK, src, p, string(src.UnknownMembers), src.Enabled)
}

// consoleSource is the source the path names, in the visited community.
func (s *Server) consoleSource(c echo.Context) (*badges.Source, error) {
	return s.svc.Sources.Get(c.Request().Context(), visitOf(c).Community.ID, c.Param("source"))
}

func (s *Server) renderSource(c echo.Context, status int, src *badges.Source, p sourcePage, unknown string, enabled bool) error {
	v := visitOf(c)
	ctx := c.Request().Context()
	p.adminPage = s.adminPageFor(c, v, src.Name, "integrations")
	p.Source, p.Tool, p.URL, p.Header = src, presetLabel(src.Preset), SourceURL(s.urls.Base(), src.ID), mapping.SignatureHeader(src.Preset)
	p.Unknown = chosen(unknownChoices, unknown)
	p.Enabled = chosen([]choice{{Value: "true", Label: "Enabled: deliveries are recorded"}, {Value: "false", Label: "Disabled: deliveries are refused (409)"}},
		map[bool]string{true: "true", false: "false"}[enabled])
	calls, err := s.svc.Sources.Calls(ctx, v.Community.ID, src.ID)
	if err != nil {
		return err
	}
	for _, cl := range calls {
		p.Calls = append(p.Calls, sourceCallView{SourceCall: cl, When: momentOf(cl.At)})
	}
	if p.Behaviours, err = s.behaviourUses(c, src); err != nil {
		return err
	}
	return s.renderAdmin(c, status, "source", p)
}

// behaviourUses lists the behaviours a source's mapping records.
func (s *Server) behaviourUses(c echo.Context, src *badges.Source) ([]behaviourUse, error) {
	m, err := src.EffectiveMapping()
	if err != nil {
		return nil, nil // the page shows the mapping's error instead
	}
	catalogue, err := s.svc.Catalogue.Behaviours(c.Request().Context(), src.IssuerID)
	if err != nil {
		return nil, err
	}
	var out []behaviourUse
	for _, key := range m.Behaviours() {
		u := behaviourUse{Key: key, Name: key}
		if i := slices.IndexFunc(catalogue, func(b badges.Behaviour) bool { return b.Key == key && !b.Retired }); i >= 0 {
			u.Name, u.Known = catalogue[i].Name, true
		}
		out = append(out, u)
	}
	return out, nil
}

// handleSourceSave changes a source's name, mapping, policy and state.
func (s *Server) handleSourceSave(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	name, text, unknown, enabled := c.FormValue("name"), strings.TrimSpace(c.FormValue("mapping")), c.FormValue("unknownMembers"), c.FormValue("enabled") != "false"
	policy := badges.UnknownMembers(unknown)
	if text == "" {
		text = mapping.PresetJSON(src.Preset) // an emptied mapping is the preset's again
	}
	_, err = s.svc.Sources.Update(c.Request().Context(), src.IssuerID, src.ID,
		badges.SourceUpdate{Name: &name, Mapping: &text, UnknownMembers: &policy, Enabled: &enabled})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := sourcePage{Name: name, Mapping: text}
		p.Form.fail(consoleSourceError(err), "name")
		p.Try.Headers, p.Try.Payload = mapping.Sample(src.Preset)
		return s.renderSource(c, statusOfFormError(err), src, p, unknown, enabled)
	}
	return s.redirectDone(c, sourcePath(src.IssuerID, src.ID), "The source “"+name+"” is saved.")
}
