package rootfs

import "testing"

func TestHomeRelative(t *testing.T) {
	for _, tt := range []struct{ s, home, want string }{
		{"/Users/bert", "/Users/bert", "~"},
		{"/Users/bert/.sanctum/bin/x", "/Users/bert", "~/.sanctum/bin/x"},
		{"/Users/bert/.sanctum/bin/x", "/Users/bert/", "~/.sanctum/bin/x"},
		{"--config=/Users/bert/c.yaml", "/Users/bert", "--config=~/c.yaml"},
		{"PATH=/Users/bert/bin:/usr/bin:/Users/bert", "/Users/bert", "PATH=~/bin:/usr/bin:~"},
		{"exec /Users/bert/a; cd '/Users/bert'", "/Users/bert", "exec ~/a; cd '~'"},
		{"/Users/bertha/x", "/Users/bert", "/Users/bertha/x"},
		{"/srv/Users/bert/x", "/Users/bert", "/srv/Users/bert/x"},
		{"/Users/bert.bak/x", "/Users/bert", "/Users/bert.bak/x"},
		{"/Users/bertha /Users/bert", "/Users/bert", "/Users/bertha ~"},
		{"/usr/bin/env", "/Users/bert", "/usr/bin/env"},
		{"/usr/bin/env", "/", "/usr/bin/env"},
		{"/x", "", "/x"},
		{"", "/Users/bert", ""},
	} {
		if got := HomeRelative(tt.s, tt.home, "~"); got != tt.want {
			t.Errorf("HomeRelative(%q, %q) = %q, want %q", tt.s, tt.home, got, tt.want)
		}
	}
}
