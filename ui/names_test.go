package ui

import "testing"

func TestShorten(t *testing.T) {
	cases := []struct {
		name  string
		width int
		want  string
	}{
		{"main", 10, "main"},
		{"std::vector<int, std::allocator<int> >::push_back(int const&)", 40, "std::vector<>::push_back()"},
		{"std::vector<int, std::allocator<int> >::push_back(int const&)", 20, "vector<>::push_back…"},
		{"ns::Class::operator()(int)", 24, "ns::Class::operator()()"},
		{"github.com/acme/app/internal/store.(*DB).Get", 30, "store.(*DB).Get"},
		{"<alloc::vec::Vec<T> as core::ops::Drop>::drop", 12, "<>::drop"},
		{"a_very_long_c_function_name", 10, "a_very_lo…"},
		{"x", 0, ""},
	}
	for _, c := range cases {
		if got := Shorten(c.name, c.width, "…"); got != c.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", c.name, c.width, got, c.want)
		}
	}
}
