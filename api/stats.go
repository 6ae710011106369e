package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type weekJSON struct {
	Week          string         `json:"week"`
	Activities    map[string]int `json:"activities"`
	ActiveMembers int            `json:"activeMembers"`
	Awards        map[string]int `json:"awards"`
}

type achievementStatsJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Level  string `json:"level,omitempty"`
	Earned int    `json:"earned"`
}

type levelJSON struct {
	Level   string `json:"level"`
	Members int    `json:"members"`
}

type statsJSON struct {
	Cohort       *namedJSON             `json:"cohort,omitempty"` // the cohort the weeks are scoped to
	Weeks        []weekJSON             `json:"weeks"`
	Achievements []achievementStatsJSON `json:"achievements"`
	Funnel       []levelJSON            `json:"funnel"`
	Outcomes     []outcomeStatsJSON     `json:"outcomes"`
	Names        statsNamesJSON         `json:"names"`
}

// handleStats answers a community's measures of success from counters
// kept as activity and awards arrive: activity by behaviour, active
// members and awards per week, holders per achievement, and the pathway
// funnel (members who reached each level). With ?cohort= (a name or an
// id) the weeks, and the outcomes grouped from them, are the cohort's own
// counters; holders and the funnel stay the community's.
func (s *Server) handleStats(c echo.Context) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	weeks := 12
	if v := c.QueryParam("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 104 {
			return badges.FieldErrorf("weeks", "The query parameter \"weeks\" must be a whole number from 1 to 104.")
		}
		weeks = n
	}
	ctx := c.Request().Context()
	ws, funnel, cohort, err := s.counters(ctx, c.Param("issuer"), c.QueryParam("cohort"), weeks)
	if err != nil {
		return err
	}
	achievements, err := s.issuerAchievements(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	out := statsJSON{Cohort: cohort, Weeks: make([]weekJSON, len(ws)), Achievements: []achievementStatsJSON{}, Funnel: []levelJSON{}}
	if err := s.outcomeStats(ctx, c.Param("issuer"), ws, &out); err != nil {
		return err
	}
	for i, w := range ws {
		out.Weeks[i] = weekJSON{Week: w.Week, Activities: w.Activities, ActiveMembers: len(w.Members), Awards: w.Awards}
	}
	levels := map[string]bool{}
	for _, a := range achievements {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return err
		}
		out.Achievements = append(out.Achievements, achievementStatsJSON{ID: a.ID, Name: a.Name, Level: a.Level, Earned: sc.Earned})
		if a.Level != "" {
			levels[a.Level] = true
		}
	}
	for l := range funnel {
		levels[l] = true
	}
	for l := range levels {
		out.Funnel = append(out.Funnel, levelJSON{Level: l, Members: funnel[l]})
	}
	slices.SortFunc(out.Funnel, func(a, b levelJSON) int { return levelOrder(a.Level, b.Level) })
	if asCSV {
		name := "stats-" + c.Param("issuer")
		if cohort != nil {
			name += "-" + cohort.ID
		}
		return writeCSV(c, name+".csv", statsCSVHeader, statsCSV(out))
	}
	return c.JSON(http.StatusOK, out)
}

// counters reads the last weeks of a community's counters, or of its
// cohort ref names (an id or a name) with the cohort, named, and the
// community's funnel. An unknown cohort is ENOTFOUND on "cohort", as the
// spotlight answers.
func (s *Server) counters(ctx context.Context, issuerID, ref string, weeks int) ([]badges.WeekStats, map[string]int, *namedJSON, error) {
	if ref == "" {
		ws, funnel, err := s.svc.Recognition.Counters(ctx, issuerID, weeks)
		return ws, funnel, nil, err
	}
	co, err := s.svc.Cohorts.Resolve(ctx, issuerID, ref)
	if err != nil {
		return nil, nil, nil, err
	}
	ws, funnel, err := s.svc.Recognition.CohortCounters(ctx, issuerID, co.ID, weeks)
	return ws, funnel, &namedJSON{ID: co.ID, Name: co.Name}, err
}
