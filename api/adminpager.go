package api

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// pager is what the "pager" part draws for a console list paged by
// cursor: "51–100 of 4,210", a link to the first page and one to the
// next ("" when there is none).
type pager struct {
	From, To, Total int
	First, Next     string
}

// newPager places a page of shown rows, the first of them row from (1 on
// the first page), of total; next is the next page's cursor. base is the
// list's address with its filters; the next page's link adds the cursor
// and, under fromParam unless it is "", the number of its first row,
// which only the pager reads.
func newPager(base url.URL, fromParam string, from, shown, total int, next string) pager {
	p := pager{Total: total}
	if shown > 0 {
		p.From, p.To = from, from+shown-1
	}
	q := base.Query()
	if from > 1 {
		p.First = base.String()
	}
	if next != "" {
		q.Set("cursor", next)
		if fromParam != "" {
			q.Set(fromParam, strconv.Itoa(from+shown))
		}
		base.RawQuery = q.Encode()
		p.Next = base.String()
	}
	return p
}

// listURL is a list's address with the non-empty values of q.
func listURL(path string, q url.Values) url.URL {
	kept := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" {
			kept.Set(k, vs[0])
		}
	}
	return url.URL{Path: path, RawQuery: kept.Encode()}
}

// withQuery is path with the query's non-empty values.
func withQuery(path string, q url.Values) string {
	u := listURL(path, q)
	return u.String()
}

// spanListOptions reads a console list's cursor and the number of its
// first row (1 without a cursor).
func spanListOptions(c echo.Context) (badges.ListOptions, int, error) {
	o := badges.ListOptions{Cursor: c.QueryParam("cursor"), Limit: badges.DefaultPageSize}
	from := 1
	if o.Cursor != "" {
		n, err := strconv.Atoi(c.QueryParam("from"))
		if err != nil || n < 1 {
			n = 1 + badges.DefaultPageSize // a hand-made link: the count is only shown
		}
		from = n
	}
	return o, from, o.Normalize()
}
