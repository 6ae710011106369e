package api

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// adminPage is what every console page carries: who is signed in, the
// community being run and the others they can switch to, the section the
// navigation marks, the session's CSRF token for forms, and a message
// left by the previous step.
type adminPage struct {
	Title       string
	Section     string // the navigation item this page belongs to
	Account     *badges.Account
	Community   *issuer.Profile
	Communities []communityLink
	CSRF        string
	Flash       string
}

// communityLink is one community in the switcher.
type communityLink struct {
	ID, Name string
	Role     badges.Role
}

// Can reports whether the visitor may do what the permission names
// ("view", "award", "manage", "own") in the community shown: templates
// hide what a role cannot use (the route table refuses it anyway).
func (p adminPage) Can(what string) bool {
	perm, ok := map[string]badges.Permission{"view": badges.PermView, "award": badges.PermAward,
		"manage": badges.PermManage, "own": badges.PermOwn}[what]
	return ok && p.Account != nil && p.Community != nil && p.Account.Can(p.Community.ID, perm)
}

// Base is the console path of the community shown.
func (p adminPage) Base() string {
	if p.Community == nil {
		return "/admin"
	}
	return "/admin/c/" + p.Community.ID
}

// adminPageFor is the base of a page for a signed-in visitor.
func (s *Server) adminPageFor(c echo.Context, v *visit, title, section string) adminPage {
	p := adminPage{Title: title, Section: section, Flash: s.takeFlash(c)}
	if v == nil {
		return p
	}
	p.Account, p.Community, p.CSRF = v.Account, v.Community, v.Session.CSRF
	p.Communities = s.communitiesOf(c.Request().Context(), v.Account)
	return p
}

// guestPage is the base of the sign-in pages.
func (s *Server) guestPage(c echo.Context, title string) adminPage {
	return adminPage{Title: title, CSRF: s.guestToken(c), Flash: s.takeFlash(c)}
}

// maxSwitcher bounds the communities the switcher lists.
const maxSwitcher = 100

// communitiesOf are the communities an account may open, by name: every
// one for a service administrator (communities are few), otherwise those
// it has a role in. One that cannot be read is left out of the switcher,
// not allowed to break every page.
func (s *Server) communitiesOf(ctx context.Context, a *badges.Account) []communityLink {
	var out []communityLink
	if a.ServiceAdmin {
		page, err := s.svc.Issuers.Profiles(ctx, badges.ListOptions{Limit: maxSwitcher})
		if err != nil {
			s.log.Warn("list communities", "err", err)
			return nil
		}
		for _, p := range page.Items {
			out = append(out, communityLink{ID: p.ID, Name: p.Name, Role: badges.RoleOwner})
		}
	} else {
		for id, role := range a.Roles {
			p, err := s.svc.Issuers.Profile(ctx, id)
			if err != nil {
				continue
			}
			out = append(out, communityLink{ID: p.ID, Name: p.Name, Role: role})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// flash leaves a message for the next page the visitor sees.
func (s *Server) flash(c echo.Context, msg string) {
	s.setCookie(c, flashCookie, url.QueryEscape(msg), "/admin")
}

// takeFlash reads the message left for this page, and clears it.
func (s *Server) takeFlash(c echo.Context) string {
	cookie, err := c.Cookie(flashCookie)
	if err != nil || cookie.Value == "" {
		return ""
	}
	s.setCookie(c, flashCookie, "", "/admin")
	msg, err := url.QueryUnescape(cookie.Value)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

// parseLayoutPages parses a set of pages, once, at start: every file of
// templates/<dir> but the layout and the shared parts is a page, parsed
// with those two and kept as "<dir>/<page>". The console's and the
// portal's pages are such sets.
func parseLayoutPages(into map[string]*template.Template, dir string, funcs ...template.FuncMap) error {
	files, err := fs.Glob(assets.Templates, "templates/"+dir+"/*.html")
	if err != nil {
		return err
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		t := template.New("layout.html")
		for _, f := range funcs {
			t = t.Funcs(f)
		}
		if t, err = t.ParseFS(assets.Templates, "templates/"+dir+"/layout.html", "templates/"+dir+"/parts.html", file); err != nil {
			return fmt.Errorf("parse page %s/%s: %w", dir, name, err)
		}
		into[dir+"/"+name] = t
	}
	return nil
}

// renderPrivate renders a page of a set (parseLayoutPages) into a buffer,
// then writes it. The console's and the portal's pages are private and
// change with every action: never stored by caches.
func (s *Server) renderPrivate(c echo.Context, status int, page string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render page %s: %w", page, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderAdmin renders a console page.
func (s *Server) renderAdmin(c echo.Context, status int, name string, data any) error {
	return s.renderPrivate(c, status, "admin/"+name, data)
}

// renderAdminPart renders one part of a console page: what an htmx
// request swaps into the page it has.
func (s *Server) renderAdminPart(c echo.Context, page, part string, data any) error {
	var buf bytes.Buffer
	if err := s.pages["admin/"+page].ExecuteTemplate(&buf, part, data); err != nil {
		return fmt.Errorf("render part %s of console page %s: %w", part, page, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// redirectDone leaves msg for the next page and sends the visitor there:
// the end of every form that worked (post, redirect, get).
func (s *Server) redirectDone(c echo.Context, to, msg string) error {
	s.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, to)
}
