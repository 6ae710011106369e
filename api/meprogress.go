package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// My progress (/me/progress): every badge the member can earn, in words
// and bars, the nearest first; the badges they hold follow.

type meProgressPage struct {
	mePage
	Next []myProgress // badges not held, closest first
	Held []myProgress
}

// myProgress is one badge as the member's progress shows it.
type myProgress struct {
	Name, Level string
	ImageURL    string // decorative: the name is beside it
	Percent     int
	Met         bool   // the rule is met and the award is on its way
	Done, Next  string // in words (badges.AchievementProgress)
	Sentence    string
	Bars        []progressBar
}

// progressBar is one condition of a badge's rule.
type progressBar struct {
	Description       string
	Current, Required float64
	Met               bool
	Shown             bool // a bar of its own: a count, of a rule with more than one condition
}

func (s *Server) handleMeProgress(c echo.Context) error {
	v := memberOf(c)
	ps, err := s.svc.Recognition.Progress(c.Request().Context(), v.Member.ID)
	if err != nil {
		return err
	}
	p := meProgressPage{mePage: s.mePageFor(c, v, "My progress", "progress")}
	for _, ap := range ps {
		mp := myProgressOf(ap)
		mp.ImageURL = s.urls.Image(ap.Achievement.Image)
		if ap.Held {
			p.Held = append(p.Held, mp)
		} else {
			p.Next = append(p.Next, mp)
		}
	}
	return s.renderPortal(c, http.StatusOK, "progress", p)
}

func myProgressOf(ap badges.AchievementProgress) myProgress {
	mp := myProgress{Name: ap.Achievement.Name, Level: ap.Achievement.Level, Percent: int(ap.Progress.Fraction*100 + 0.5),
		Met: ap.Progress.Met, Done: ap.Done(), Next: ap.Next(), Sentence: ap.Sentence()}
	for _, cp := range ap.Progress.Conditions {
		b := progressBar{Description: cp.Description, Current: min(cp.Current, cp.Required), Required: cp.Required, Met: cp.Met}
		if cp.Met {
			b.Current = cp.Required
		}
		b.Shown = cp.Required > 0 && len(ap.Progress.Conditions) > 1 // one condition: the badge's bar says it all
		mp.Bars = append(mp.Bars, b)
	}
	return mp
}
