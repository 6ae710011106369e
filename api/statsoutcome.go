package api

import (
	"context"
	"slices"
	"strconv"

	"github.com/laurel-badges/laurel/badges"
)

type outcomeWeekJSON struct {
	Week       string `json:"week"`
	Awards     int    `json:"awards"`
	Activities int    `json:"activities"`
}

type outcomeStatsJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	Achievements []namedJSON       `json:"achievements"`
	Behaviours   []namedJSON       `json:"behaviours"`
	Weeks        []outcomeWeekJSON `json:"weeks"`
}

// statsNamesJSON names every behaviour and badge the statistics count by
// key or id, so that no reader is left with bare ids.
type statsNamesJSON struct {
	Behaviours   map[string]string `json:"behaviours"`
	Achievements map[string]string `json:"achievements"`
}

// outcomeStats adds to out the weeks grouped by outcome and the names of
// what they count. A community's achievements and outcomes are small
// sets, read whole.
func (s *Server) outcomeStats(ctx context.Context, issuerID string, ws []badges.WeekStats, out *statsJSON) error {
	outcomes, err := s.svc.Outcomes.List(ctx, issuerID)
	if err != nil {
		return err
	}
	achievements, err := s.allAchievements(ctx, issuerID)
	if err != nil {
		return err
	}
	behaviours, err := s.behaviourNames(ctx, issuerID)
	if err != nil {
		return err
	}
	out.Names = statsNamesJSON{Behaviours: behaviours, Achievements: map[string]string{}}
	for _, a := range achievements {
		out.Names.Achievements[a.ID] = a.Name
	}
	for _, w := range ws {
		for k := range w.Activities {
			out.Names.Behaviours[k] = nameOr(behaviours, k)
		}
	}
	out.Outcomes = []outcomeStatsJSON{}
	for _, g := range badges.GroupByOutcome(outcomes, achievements, ws) {
		j := outcomeStatsJSON{ID: g.Outcome.ID, Name: g.Outcome.Name, Status: string(g.Outcome.Status),
			Achievements: []namedJSON{}, Behaviours: []namedJSON{}, Weeks: make([]outcomeWeekJSON, len(g.Weeks))}
		for _, a := range g.Achievements {
			j.Achievements = append(j.Achievements, namedJSON{ID: a.ID, Name: a.Name})
		}
		for _, k := range g.Outcome.Behaviours {
			j.Behaviours = append(j.Behaviours, namedJSON{ID: k, Name: nameOr(behaviours, k)})
		}
		for i, w := range g.Weeks {
			j.Weeks[i] = outcomeWeekJSON(w)
		}
		out.Outcomes = append(out.Outcomes, j)
	}
	return nil
}

// allAchievements lists a community's achievements of every status: a
// small collection, read page by page.
func (s *Server) allAchievements(ctx context.Context, issuerID string) ([]*badges.Achievement, error) {
	var all []*badges.Achievement
	opts := badges.ListOptions{Limit: badges.MaxPageSize}
	for {
		page, err := s.svc.Achievements.Achievements(ctx, badges.AchievementFilter{IssuerID: issuerID, ListOptions: opts})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all, nil
		}
		opts.Cursor = page.NextCursor
	}
}

// statsCSVHeader and statsCSV are the statistics as a CSV file: one row
// per week and thing counted, named.
var statsCSVHeader = []string{"week", "kind", "id", "name", "value"}

func statsCSV(st statsJSON) [][]string {
	var rows [][]string
	add := func(week, kind, id, name string, v int) {
		rows = append(rows, []string{week, kind, id, name, strconv.Itoa(v)})
	}
	for _, w := range st.Weeks {
		add(w.Week, "activeMembers", "", "", w.ActiveMembers)
		for _, k := range sortedKeys(w.Activities) {
			add(w.Week, "activities", k, nameOr(st.Names.Behaviours, k), w.Activities[k])
		}
		for _, id := range sortedKeys(w.Awards) {
			add(w.Week, "awards", id, nameOr(st.Names.Achievements, id), w.Awards[id])
		}
	}
	for _, o := range st.Outcomes {
		for _, w := range o.Weeks {
			add(w.Week, "outcomeAwards", o.ID, o.Name, w.Awards)
			add(w.Week, "outcomeActivities", o.ID, o.Name, w.Activities)
		}
	}
	return rows
}

// sortedKeys are m's keys in order, so that a file is the same each time.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
