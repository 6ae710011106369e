package api

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// pageSpan is a console list's pager ("51–100 of 4,210"), for lists paged
// by cursor: the link to the next page carries the cursor and the number
// of its first row, which only the pager reads.
type pageSpan struct {
	From, To, Total int
	First, Next     string // links; "" when there is none
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

// spanOf is the pager of a page of shown items starting at row from;
// keep are the list's other query parameters, carried to the other pages.
func spanOf(path string, keep url.Values, from, shown, total int, next string) pageSpan {
	p := pageSpan{From: from, To: from + shown - 1, Total: total}
	if shown == 0 {
		p.From = 0
	}
	q := url.Values{}
	for k, v := range keep {
		if len(v) > 0 && v[0] != "" {
			q[k] = v
		}
	}
	if from > 1 {
		p.First = path
		if len(q) > 0 {
			p.First += "?" + q.Encode()
		}
	}
	if next != "" {
		q.Set("cursor", next)
		q.Set("from", strconv.Itoa(from+shown))
		p.Next = path + "?" + q.Encode()
	}
	return p
}
