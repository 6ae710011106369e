package api

import (
	"reflect"
	"testing"
	"time"
)

// TestPageState_EqualSeesEveryField: a kept page is served again only to
// a view whose state is equal, so equal must tell apart states that differ
// in any field, the status's included (a field added to the state and
// forgotten by equal would serve a stale page).
func TestPageState_EqualSeesEveryField(t *testing.T) {
	since := dateOf("Revoked on", knownDate)
	a := pageState{Status: status{Class: "revoked", Label: "Revoked", Text: "Revoked.", Headline: "Revoked on", Since: &since, Reason: "r"},
		Recipient: "Ada", RecipientURL: "/members/ada", Prerequisites: []prerequisite{{Name: "First", URL: "/a"}},
		Endorsements: []shownEndorsement{{From: "Lea", Note: "n", When: since}}, EndorsementTotal: 1}
	b := a
	b.Status.Since = &shownDate{Label: since.Label, Human: since.Human, Machine: since.Machine}
	if !a.equal(b) {
		t.Fatal("equal states, Since at another address, are not equal")
	}
	n := 0
	eachChange(reflect.ValueOf(&a).Elem(), func(name string, change func(reflect.Value)) {
		n++
		b := a
		b.Status.Since = &shownDate{Label: since.Label, Human: since.Human, Machine: since.Machine}
		b.Prerequisites = append([]prerequisite(nil), a.Prerequisites...)
		b.Endorsements = append([]shownEndorsement(nil), a.Endorsements...)
		change(reflect.ValueOf(&b).Elem())
		if a.equal(b) || b.equal(a) {
			t.Errorf("states that differ in %s are equal", name)
		}
	})
	if n < 15 {
		t.Fatalf("only %d changes tried", n)
	}
}

// knownDate is a fixed date for the state above.
var knownDate = time.Date(2026, 5, 3, 10, 0, 0, 0, time.UTC)

// eachChange calls try with a change of each field of the struct v, and of
// the fields of the structs, pointees and first elements of slices it
// holds; change applies it to another value of v's type.
func eachChange(v reflect.Value, try func(name string, change func(reflect.Value))) {
	walkChanges(v.Type(), "", nil, try)
}

func walkChanges(t reflect.Type, name string, at func(reflect.Value) reflect.Value, try func(string, func(reflect.Value))) {
	if at == nil {
		at = func(v reflect.Value) reflect.Value { return v }
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			walkChanges(t.Field(i).Type, name+"."+t.Field(i).Name, func(v reflect.Value) reflect.Value { return at(v).Field(i) }, try)
		}
	case reflect.Pointer:
		try(name+" (nil)", func(v reflect.Value) { at(v).SetZero() })
		walkChanges(t.Elem(), name, func(v reflect.Value) reflect.Value { return at(v).Elem() }, try)
	case reflect.Slice:
		try(name+" (longer)", func(v reflect.Value) { f := at(v); f.Set(reflect.Append(f, reflect.Zero(t.Elem()))) })
		walkChanges(t.Elem(), name+"[0]", func(v reflect.Value) reflect.Value { return at(v).Index(0) }, try)
	case reflect.String:
		try(name, func(v reflect.Value) { f := at(v); f.SetString(f.String() + "x") })
	case reflect.Bool:
		try(name, func(v reflect.Value) { f := at(v); f.SetBool(!f.Bool()) })
	case reflect.Int:
		try(name, func(v reflect.Value) { f := at(v); f.SetInt(f.Int() + 1) })
	default:
		panic("eachChange: no change for " + name + " of kind " + t.Kind().String())
	}
}
