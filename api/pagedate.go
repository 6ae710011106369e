package api

import "time"

// Dates on pages are written for people ("4 December 2026") and, in
// <time datetime>, for machines (RFC 3339).

// dateLayout is how pages and images write a date for people.
const dateLayout = "2 January 2006"

// shownDate is one date as a page shows it; Machine is empty when the
// date could not be read, and then Human is the text as it was given.
type shownDate struct {
	Label          string // what the date is, for a list of them ("Earned on")
	Human, Machine string
}

// dateOf is a date Laurel knows, in UTC.
func dateOf(label string, t time.Time) shownDate {
	t = t.UTC()
	return shownDate{Label: label, Human: t.Format(dateLayout), Machine: t.Format(time.RFC3339)}
}

// documentDate is a date read from a credential document, anyone's: an
// RFC 3339 date-time or a plain date, written for people in the offset it
// was given in; anything else is shown as it is.
func documentDate(label, v string) shownDate {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return shownDate{Label: label, Human: t.Format(dateLayout), Machine: v}
		}
	}
	return shownDate{Label: label, Human: v}
}

// documentDates are a verified credential's dates, for the verify page:
// when it was earned (awardedDate), issued (validFrom) and until when it
// is valid, those it gives.
func documentDates(awarded, validFrom, validUntil string) []shownDate {
	var out []shownDate
	for _, d := range []struct{ label, v string }{{"Earned on", awarded}, {"Issued on", validFrom}, {"Valid until", validUntil}} {
		if d.v != "" {
			out = append(out, documentDate(d.label, d.v))
		}
	}
	return out
}
