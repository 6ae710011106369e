package badges

// SetPreviewLimit bounds the members a previewer evaluates, so that tests
// reach the bound with few members.
func (v *Previewer) SetPreviewLimit(n int) { v.limit = n }
