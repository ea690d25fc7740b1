package systemd

import (
	"path"
	"testing"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tgt is a target named at line of testFile.
func tgt(k record.TargetKind, p string, line int, key, token string) record.Target {
	return record.Target{Kind: k, Path: p, Evidence: graph.Evidence{File: testFile, Line: line, Key: key, Token: token}}
}

// exe is an exec target whose token is its path.
func exe(p string, line int, key string) record.Target {
	return tgt(record.TargetExec, p, line, key, p)
}

// bare is an exec target looked up in SearchPath.
func bare(name string, line int, key string) record.Target {
	t := exe(name, line, key)
	t.Search = SearchPath
	return t
}

// soft marks a target's evidence optional.
func soft(t record.Target) record.Target {
	t.Evidence.Optional = true
	return t
}

// in sets the directory a relative target resolves against.
func in(t record.Target, dir string) record.Target {
	t.Dir = dir
	return t
}

// sysCtx and userCtx are the contexts of a system unit run as root and
// of a user unit run by ann.
func sysCtx(n Name) Context {
	return Context{Unit: n, Home: "/root", UserName: "root", UserHome: "/root"}
}
func userCtx(n Name) Context {
	return Context{Unit: n, User: true, Home: "/home/ann", UserName: "ann", UserHome: "/home/ann"}
}

// load parses data as testFile and merges it under name.
func load(t testing.TB, name, data string, dropins ...File) *Unit {
	t.Helper()
	return Merge(mustName(t, name), parsed(t, testFile, data), dropins)
}

func TestTargets(t *testing.T) {
	tests := []struct {
		name  string
		unit  string // unit name; x.service when empty
		user  bool
		home  string // replaces the context's Home when set ("-" for none)
		data  string
		want  []record.Target
		probs []record.Problem
	}{
		{
			name: "every Exec key and its prefixes",
			data: "[Service]\nExecStartPre=-/usr/bin/mkdir -p /run/x\nExecStart=+/usr/bin/a\nExecStartPost=!!/usr/bin/b\n" +
				"ExecReload=:/usr/bin/c $X\nExecStop=-@/usr/bin/d dname\nExecStopPost=/usr/bin/e\nExecCondition=!/usr/bin/f\n",
			want: []record.Target{
				exe("/usr/bin/f", 8, "ExecCondition"),
				soft(exe("/usr/bin/mkdir", 2, "ExecStartPre")),
				exe("/usr/bin/a", 3, "ExecStart"),
				exe("/usr/bin/b", 4, "ExecStartPost"),
				exe("/usr/bin/c", 5, "ExecReload"),
				soft(exe("/usr/bin/d", 6, "ExecStop")),
				exe("/usr/bin/e", 7, "ExecStopPost"),
			},
		},
		{
			name: "several commands in one line, the soft one optional",
			data: "[Service]\nType=oneshot\nExecStart=-/usr/bin/find /var/tmp -delete ; /bin/rm -rf /tmp/x ; /usr/bin/true\n",
			want: []record.Target{soft(exe("/usr/bin/find", 3, "ExecStart")), exe("/bin/rm", 3, "ExecStart"), exe("/usr/bin/true", 3, "ExecStart")},
		},
		{
			name: "a soft interpreter's script is optional too",
			data: "[Service]\nExecStartPre=-/usr/bin/python3 /opt/app/migrate.py\n",
			want: []record.Target{
				soft(exe("/usr/bin/python3", 2, "ExecStartPre")),
				soft(tgt(record.TargetScript, "/opt/app/migrate.py", 2, "ExecStartPre", "/opt/app/migrate.py")),
			},
		},
		{
			name: "@: the word after the program is argv[0], not an argument",
			data: "[Service]\nExecStart=@/usr/bin/python3 /opt/fake.py /opt/real.py\n",
			want: []record.Target{
				exe("/usr/bin/python3", 2, "ExecStart"),
				tgt(record.TargetScript, "/opt/real.py", 2, "ExecStart", "/opt/real.py"),
			},
		},
		{
			name: "bare names are looked up in SearchPath",
			data: "[Service]\nExecStart=rclone mount gdrive: /mnt/g\nExecStop=fusermount -uz /mnt/g\n",
			want: []record.Target{bare("rclone", 2, "ExecStart"), bare("fusermount", 3, "ExecStop")},
		},
		{
			name: "sh -c: only the absolute commands of the string",
			data: "[Service]\nExecStart=/bin/sh -c 'foo --x; /opt/bar/run arg && exec /usr/bin/baz'\n",
			want: []record.Target{exe("/bin/sh", 2, "ExecStart"), exe("/opt/bar/run", 2, "ExecStart"), exe("/usr/bin/baz", 2, "ExecStart")},
		},
		{
			name: "bash -c with a continued string",
			data: "[Service]\nExecStart=/bin/bash -c 'pgrep -x restic || \\\n  /usr/local/bin/restic backup /home'\n",
			want: []record.Target{exe("/bin/bash", 2, "ExecStart"), exe("/usr/local/bin/restic", 2, "ExecStart")},
		},
		{
			name: "interpreter script",
			data: "[Service]\nExecStart=python3 /x/a.py --port 1\n",
			want: []record.Target{bare("python3", 2, "ExecStart"), tgt(record.TargetScript, "/x/a.py", 2, "ExecStart", "/x/a.py")},
		},
		{
			name: "env names the interpreter",
			data: "[Service]\nExecStart=/usr/bin/env python3 /x/a.py\n",
			want: []record.Target{exe("/usr/bin/env", 2, "ExecStart"), bare("python3", 2, "ExecStart"),
				tgt(record.TargetScript, "/x/a.py", 2, "ExecStart", "/x/a.py")},
		},
		{
			name: "a relative script resolves against WorkingDirectory",
			data: "[Service]\nWorkingDirectory=/srv/hook\nExecStart=/usr/bin/python3 -u hook.py\n",
			want: []record.Target{
				tgt(record.TargetWorkingDir, "/srv/hook", 2, "WorkingDirectory", "/srv/hook"),
				exe("/usr/bin/python3", 3, "ExecStart"),
				in(tgt(record.TargetScript, "hook.py", 3, "ExecStart", "hook.py"), "/srv/hook"),
			},
		},
		{
			name: "a relative script of a system unit resolves against /",
			data: "[Service]\nExecStart=/usr/bin/python3 hook.py\n",
			want: []record.Target{exe("/usr/bin/python3", 2, "ExecStart"), in(tgt(record.TargetScript, "hook.py", 2, "ExecStart", "hook.py"), "/")},
		},
		{
			name: "a relative script of a user unit resolves against the home",
			user: true,
			data: "[Service]\nExecStart=/usr/bin/python3 hook.py\n",
			want: []record.Target{exe("/usr/bin/python3", 2, "ExecStart"), in(tgt(record.TargetScript, "hook.py", 2, "ExecStart", "hook.py"), "/home/ann")},
		},
		{
			name: "a lone bare word of sh -c is the shell's to find",
			data: "[Service]\nExecStart=/bin/sh -c myscript\n",
			want: []record.Target{exe("/bin/sh", 2, "ExecStart")},
		},
		{
			name: "a soft and a hard command of one line stay two targets",
			data: "[Service]\nType=oneshot\nExecStart=-/usr/bin/find a ; /usr/bin/find b\n",
			want: []record.Target{soft(exe("/usr/bin/find", 3, "ExecStart")), exe("/usr/bin/find", 3, "ExecStart")},
		},
		{
			name: "WorkingDirectory ~ is the home",
			home: "/home/deploy",
			data: "[Service]\nWorkingDirectory=~\n",
			want: []record.Target{tgt(record.TargetWorkingDir, "/home/deploy", 2, "WorkingDirectory", "~")},
		},
		{
			// systemd.exec(5) knows "~" alone; "~/app" is not absolute.
			name: "WorkingDirectory ~/dir is no target",
			user: true,
			data: "[Service]\nWorkingDirectory=-~/app/\n",
		},
		{
			name: "WorkingDirectory ~ without a known home",
			home: "-",
			data: "[Service]\nWorkingDirectory=~\nExecStart=/usr/bin/python3 x.py\n",
			want: []record.Target{exe("/usr/bin/python3", 3, "ExecStart")},
		},
		{
			name: "- makes WorkingDirectory soft",
			data: "[Service]\nWorkingDirectory=-/srv/webhook\n",
			want: []record.Target{soft(tgt(record.TargetWorkingDir, "/srv/webhook", 2, "WorkingDirectory", "/srv/webhook"))},
		},
		{
			name: "a relative WorkingDirectory is no target",
			data: "[Service]\nWorkingDirectory=srv\n",
		},
		{
			name: "EnvironmentFile hard and soft",
			data: "[Service]\nEnvironmentFile=/etc/restic/b2.env\nEnvironmentFile=-/etc/restic/local.env\nEnvironmentFile=relative.env\n",
			want: []record.Target{
				tgt(record.TargetEnvFile, "/etc/restic/b2.env", 2, "EnvironmentFile", "/etc/restic/b2.env"),
				soft(tgt(record.TargetEnvFile, "/etc/restic/local.env", 3, "EnvironmentFile", "/etc/restic/local.env")),
			},
		},
		{
			// systemd.exec(5): "an absolute filename or wildcard
			// expression".
			name: "an EnvironmentFile wildcard names no one file",
			data: "[Service]\nEnvironmentFile=-/etc/default/app-*.env\nEnvironmentFile=/etc/app/?.env\nEnvironmentFile=/etc/app/[ab].env\n" +
				"WorkingDirectory=/srv/[app]\n",
			want: []record.Target{tgt(record.TargetWorkingDir, "/srv/[app]", 5, "WorkingDirectory", "/srv/[app]")},
		},
		{
			name: "EnvironmentFile reset",
			data: "[Service]\nEnvironmentFile=/etc/a.env\nEnvironmentFile=\nEnvironmentFile=/etc/b.env\n",
			want: []record.Target{tgt(record.TargetEnvFile, "/etc/b.env", 4, "EnvironmentFile", "/etc/b.env")},
		},
		{
			name: "RootDirectory: only + lines are checked",
			data: "[Service]\nRootDirectory=/srv/chroots/legacy\nExecStartPre=+/usr/local/sbin/prepare /srv/chroots/legacy\n" +
				"ExecStart=/app/bin/legacyd\nExecStartPost=!/app/bin/notify\nExecStop=-/app/bin/stop\n",
			want: []record.Target{
				tgt(record.TargetRootDir, "/srv/chroots/legacy", 2, "RootDirectory", "/srv/chroots/legacy"),
				exe("/usr/local/sbin/prepare", 3, "ExecStartPre"),
			},
		},
		{
			// systemd.exec(5): WorkingDirectory= "Takes a directory path
			// relative to the service's root directory specified by
			// RootDirectory=".
			name: "RootDirectory: WorkingDirectory is inside the root",
			data: "[Service]\nRootDirectory=/srv/chroots/legacy\nWorkingDirectory=/app\n" +
				"ExecStartPre=+/usr/bin/python3 prepare.py\nExecStart=/app/bin/legacyd\n",
			want: []record.Target{
				tgt(record.TargetRootDir, "/srv/chroots/legacy", 2, "RootDirectory", "/srv/chroots/legacy"),
				exe("/usr/bin/python3", 4, "ExecStartPre"),
			},
		},
		{
			name: "RootImage: WorkingDirectory is inside the image",
			data: "[Service]\nRootImage=/var/lib/machines/app.raw\nWorkingDirectory=-/srv/app\nExecStart=/app/bin/d\n",
		},
		{
			name: "RootImage: only + lines are checked",
			data: "[Service]\nRootImage=/var/lib/machines/app.raw\nExecStartPre=+/usr/bin/true\nExecStart=/app/bin/d\n",
			want: []record.Target{exe("/usr/bin/true", 3, "ExecStartPre")},
		},
		{
			name: "an emptied RootDirectory runs on the machine",
			data: "[Service]\nRootDirectory=\nExecStart=/usr/bin/d\n",
			want: []record.Target{exe("/usr/bin/d", 3, "ExecStart")},
		},
		{
			name: "specifiers are expanded, the token keeps them",
			unit: "wg-quick@wg0.service",
			data: "[Service]\nExecStartPre=/usr/lib/%p/check-%i\nExecStart=/usr/bin/wg-quick up %i\n" +
				"EnvironmentFile=-/etc/default/%p\nWorkingDirectory=/etc/wireguard/%I\n",
			want: []record.Target{
				tgt(record.TargetWorkingDir, "/etc/wireguard/wg0", 5, "WorkingDirectory", "/etc/wireguard/%I"),
				soft(tgt(record.TargetEnvFile, "/etc/default/wg-quick", 4, "EnvironmentFile", "/etc/default/%p")),
				tgt(record.TargetExec, "/usr/lib/wg-quick/check-wg0", 2, "ExecStartPre", "/usr/lib/%p/check-%i"),
				exe("/usr/bin/wg-quick", 3, "ExecStart"),
			},
		},
		{
			name: "a script named with specifiers",
			unit: "backup@home.service",
			data: "[Service]\nExecStart=/usr/bin/python3 %h/bin/backup-%i.py\n",
			want: []record.Target{
				exe("/usr/bin/python3", 2, "ExecStart"),
				tgt(record.TargetScript, "/root/bin/backup-home.py", 2, "ExecStart", "%h/bin/backup-%i.py"),
			},
		},
		{
			name: "unexpandable specifiers: no target",
			unit: "foo@.service",
			data: "[Service]\nExecStartPre=/usr/bin/%i-run\nExecStart=/usr/bin/python3 /opt/%i/main.py\nExecStop=/usr/bin/x%Z\n" +
				"EnvironmentFile=/etc/%i.env\nWorkingDirectory=/srv/%i\n",
			want: []record.Target{exe("/usr/bin/python3", 3, "ExecStart")},
		},
		{
			name: "%h of an unknown home: no target",
			home: "-",
			data: "[Service]\nExecStart=%h/bin/run\nExecStop=/usr/bin/python3 %h/stop.py\n",
			want: []record.Target{exe("/usr/bin/python3", 3, "ExecStop")},
		},
		{
			name: "$VAR words are never targets",
			data: "[Service]\nExecStart=/usr/bin/python3 $SCRIPT\nExecStop=/usr/bin/python3 ${APP}/stop.py\n" +
				"ExecReload=/bin/kill -HUP $MAINPID\nEnvironmentFile=/etc/$NAME.env\nWorkingDirectory=${HOME}\n",
			want: []record.Target{exe("/usr/bin/python3", 2, "ExecStart"), exe("/bin/kill", 4, "ExecReload"), exe("/usr/bin/python3", 3, "ExecStop")},
		},
		{
			name: "a relative command with a slash",
			data: "[Service]\nExecStartPre=/usr/bin/true\nExecStart=./bin/server --port 80\nExecStop=$BIN/stop\n",
			want: []record.Target{exe("/usr/bin/true", 2, "ExecStartPre")},
			probs: []record.Problem{
				{File: testFile, Line: 3, Key: "ExecStart", Rule: record.InvalidUnit,
					Message: `ExecStart runs "./bin/server", neither an absolute path nor a bare name: systemd refuses the line`},
				{File: testFile, Line: 4, Key: "ExecStop", Rule: record.InvalidUnit,
					Message: `ExecStop runs "$BIN/stop", neither an absolute path nor a bare name: systemd refuses the line`},
			},
		},
		{
			name: "unbalanced quotes",
			data: "[Service]\nExecStart=/bin/sh -c 'echo hi\nExecStop=/bin/true\n",
			want: []record.Target{exe("/bin/true", 3, "ExecStop")},
			probs: []record.Problem{{File: testFile, Line: 2, Key: "ExecStart",
				Message: "ExecStart has unbalanced quotes: systemd cannot read the line"}},
		},
		{
			// systemd.syntax(7): "unknown patterns will result in a
			// warning"; systemd keeps them as written.
			name: "an unknown escape in a sh -c string",
			data: "[Service]\nExecStart=/bin/sh -c 'ip -o addr | grep -q \"inet 10\\.0\\.\" && exec /usr/local/bin/vpn-up'\n",
			want: []record.Target{exe("/bin/sh", 2, "ExecStart"), exe("/usr/local/bin/vpn-up", 2, "ExecStart")},
		},
		{
			name: "Exec keys of [Socket]",
			unit: "gitdaemon.socket",
			data: "[Socket]\nListenStream=9418\nExecStartPre=/usr/bin/install -d /run/git\nExecStart=/usr/bin/nope\n" +
				"ExecStopPre=/usr/bin/pre-stop\nExecStopPost=-/bin/rm -rf /run/git\nExecStartPost=/usr/bin/post\n",
			want: []record.Target{
				exe("/usr/bin/install", 3, "ExecStartPre"),
				exe("/usr/bin/post", 7, "ExecStartPost"),
				exe("/usr/bin/pre-stop", 5, "ExecStopPre"),
				soft(exe("/bin/rm", 6, "ExecStopPost")),
			},
		},
		{
			name: "ExecStopPre is not a [Service] key",
			data: "[Service]\nExecStopPre=/usr/bin/nope\nExecStart=/usr/bin/yes\n",
			want: []record.Target{exe("/usr/bin/yes", 3, "ExecStart")},
		},
		{
			name: "other sections are not read",
			data: "[Unit]\nExecStart=/usr/bin/nope\nWorkingDirectory=/nope\n[Install]\nExecStart=/usr/bin/nope\n",
		},
		{
			name: "the same command twice is one target per line",
			data: "[Service]\nExecStart=/usr/bin/a\nExecStop=/usr/bin/a ; /usr/bin/a\n",
			want: []record.Target{exe("/usr/bin/a", 2, "ExecStart"), exe("/usr/bin/a", 3, "ExecStop")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.unit
			if name == "" {
				name = "x.service"
			}
			u := load(t, name, tc.data)
			c := sysCtx(u.Name)
			if tc.user {
				c = userCtx(u.Name)
			}
			switch tc.home { // the home of User=, for WorkingDirectory=~
			case "":
			case "-": // neither the manager's home nor User='s is known
				c.Home, c.UserHome = "", ""
			default:
				c.UserHome = tc.home
			}
			ts, _, probs := u.Targets(c)
			if diff := cmp.Diff(tc.want, ts, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			checkTargets(t, ts)
		})
	}
}

// checkTargets applies sourcetest.CheckTargets, which does not know
// env-file targets: those are checked here (absolute and clean).
func checkTargets(t testing.TB, ts []record.Target) {
	t.Helper()
	var rest []record.Target
	for _, x := range ts {
		if x.Kind != record.TargetEnvFile {
			rest = append(rest, x)
			continue
		}
		if !isAbsClean(x.Path) || x.Search != nil || x.Dir != "" {
			t.Fatalf("bad env-file target %+v", x)
		}
	}
	sourcetest.CheckTargets(t, rest)
}

func isAbsClean(p string) bool { return path.IsAbs(p) && path.Clean(p) == p }

// TestTargetsDropIn checks that a drop-in's lines are read, with their
// file, and that its reset removes the unit file's.
func TestTargetsDropIn(t *testing.T) {
	d := parsed(t, dropA, "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// \\\n  --data-root=/srv/docker\nEnvironmentFile=-/etc/default/docker\n")
	u := load(t, "docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\nExecReload=/bin/kill -s HUP $MAINPID\n", d)
	ts, _, probs := u.Targets(sysCtx(u.Name))
	want := []record.Target{
		{Kind: record.TargetEnvFile, Path: "/etc/default/docker", Evidence: graph.Evidence{File: dropA, Line: 5, Key: "EnvironmentFile", Token: "/etc/default/docker", Optional: true}},
		{Kind: record.TargetExec, Path: "/usr/bin/dockerd", Evidence: graph.Evidence{File: dropA, Line: 3, Key: "ExecStart", Token: "/usr/bin/dockerd"}},
		exe("/bin/kill", 3, "ExecReload"),
	}
	if diff := cmp.Diff(want, ts, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if len(probs) > 0 {
		t.Errorf("problems: %+v", probs)
	}
}

func TestDeps(t *testing.T) {
	dep := func(k DepKind, name string, line int, key, token string) Dep {
		return Dep{Kind: k, Name: name, Evidence: graph.Evidence{File: testFile, Line: line, Key: key, Token: token}}
	}
	named := func(k DepKind, name string, line int, key string) Dep { return dep(k, name, line, key, name) }
	tests := []struct {
		name  string
		unit  string
		data  string
		want  []Dep
		probs []record.Problem
	}{
		{
			name: "dependency keys and their kinds",
			unit: "x.service",
			data: "[Unit]\nRequires=a.service b.service\nRequisite=c.service\nBindsTo=d.service\nPartOf=e.target\n" +
				"Wants=f.service\nUpholds=g.service\nAfter=h.service\nBefore=i.service\nConflicts=j.service\nOnFailure=k.service\n",
			want: []Dep{
				named(Requirement, "a.service", 2, "Requires"), named(Requirement, "b.service", 2, "Requires"),
				named(Requirement, "c.service", 3, "Requisite"), named(Requirement, "d.service", 4, "BindsTo"),
				named(PartOf, "e.target", 5, "PartOf"), named(Want, "f.service", 6, "Wants"),
				named(Want, "g.service", 7, "Upholds"), named(After, "h.service", 8, "After"),
				named(Before, "i.service", 9, "Before"),
			},
		},
		{
			name: "dependency keys outside [Unit] are not read",
			unit: "x.service",
			data: "[Service]\nRequires=a.service\n[Install]\nWantedBy=multi-user.target\n",
		},
		{
			name: "timer: the service of the same name by default",
			unit: "restic-backup.timer",
			data: "[Unit]\nDescription=x\n\n[Timer]\nOnCalendar=daily\n",
			want: []Dep{dep(Trigger, "restic-backup.service", 4, "Unit (default)", "restic-backup.service")},
		},
		{
			name: "timer instance: the instance of the same name",
			unit: "backup@home.timer",
			data: "[Timer]\nOnCalendar=daily\n",
			want: []Dep{dep(Trigger, "backup@home.service", 1, "Unit (default)", "backup@home.service")},
		},
		{
			name: "timer without a [Timer] section: line 0",
			unit: "t.timer",
			data: "[Unit]\nDescription=x\n",
			want: []Dep{dep(Trigger, "t.service", 0, "Unit (default)", "t.service")},
		},
		{
			name: "timer: explicit Unit=",
			unit: "t.timer",
			data: "[Timer]\nOnCalendar=daily\nUnit=other.service\n",
			want: []Dep{named(Trigger, "other.service", 3, "Unit")},
		},
		{
			name: "timer: an emptied Unit= is the default",
			unit: "t.timer",
			data: "[Timer]\nUnit=other.service\nUnit=\n",
			want: []Dep{dep(Trigger, "t.service", 1, "Unit (default)", "t.service")},
		},
		{
			name: "path: default and explicit",
			unit: "certs-reload.path",
			data: "[Path]\nPathChanged=/etc/x\n",
			want: []Dep{dep(Trigger, "certs-reload.service", 1, "Unit (default)", "certs-reload.service")},
		},
		{
			name: "path: explicit Unit=",
			unit: "certs-reload.path",
			data: "[Path]\nPathChanged=/etc/x\nUnit=nginx-reload.service\n",
			want: []Dep{named(Trigger, "nginx-reload.service", 3, "Unit")},
		},
		{
			name: "socket: the service of the same name",
			unit: "gitdaemon.socket",
			data: "[Unit]\nBefore=sockets.target\n[Socket]\nListenStream=9418\n",
			want: []Dep{named(Before, "sockets.target", 2, "Before"), dep(Trigger, "gitdaemon.service", 3, "Service (default)", "gitdaemon.service")},
		},
		{
			name: "socket: Accept=yes starts instances of PREFIX@.service",
			unit: "gitdaemon.socket",
			data: "[Socket]\nListenStream=9418\nAccept=yes\n",
			want: []Dep{dep(Trigger, "gitdaemon@.service", 1, "Service (default)", "gitdaemon@.service")},
		},
		{
			name: "socket: Accept=true, on, 1",
			unit: "a.socket",
			data: "[Socket]\nAccept=no\nAccept= On \n",
			want: []Dep{dep(Trigger, "a@.service", 1, "Service (default)", "a@.service")},
		},
		{
			name: "socket: Accept=no",
			unit: "a.socket",
			data: "[Socket]\nAccept=false\n",
			want: []Dep{dep(Trigger, "a.service", 1, "Service (default)", "a.service")},
		},
		{
			name: "socket: explicit Service=",
			unit: "a.socket",
			data: "[Socket]\nService=b.service\n",
			want: []Dep{named(Trigger, "b.service", 2, "Service")},
		},
		{
			name: "service: Sockets=",
			unit: "webhook.service",
			data: "[Service]\nSockets=webhook.socket  webhook-admin.socket\nSockets=x.socket\n",
			want: []Dep{
				named(Socket, "webhook.socket", 2, "Sockets"), named(Socket, "webhook-admin.socket", 2, "Sockets"),
				named(Socket, "x.socket", 3, "Sockets"),
			},
		},
		{
			name: "a service has no trigger",
			unit: "x.service",
			data: "[Service]\nUnit=y.service\nService=z.service\n",
		},
		{
			name: "invalid unit names are problems",
			unit: "x.service",
			data: "[Unit]\nRequires=foo good.service\nWants=a/b.service\nAfter=@x.service\n[Service]\nSockets=s.sock\n",
			want: []Dep{named(Requirement, "good.service", 2, "Requires")},
			probs: []record.Problem{
				{File: testFile, Line: 2, Key: "Requires", Message: `Requires names "foo", which is not a valid unit name: systemd ignores it`},
				{File: testFile, Line: 3, Key: "Wants", Message: `Wants names "a/b.service", which is not a valid unit name: systemd ignores it`},
				{File: testFile, Line: 4, Key: "After", Message: `After names "@x.service", which is not a valid unit name: systemd ignores it`},
				{File: testFile, Line: 6, Key: "Sockets", Message: `Sockets names "s.sock", which is not a valid unit name: systemd ignores it`},
			},
		},
		{
			name: "a timer's invalid Unit= is a problem",
			unit: "t.timer",
			data: "[Timer]\nUnit=not a unit\n",
			probs: []record.Problem{
				{File: testFile, Line: 2, Key: "Unit", Message: `Unit names "not a unit", which is not a valid unit name: systemd ignores it`},
			},
		},
		{
			name: "specifiers are expanded, the token keeps them",
			unit: "wg-quick@wg0.service",
			data: "[Unit]\nWants=wg-keys@%i.service\nPartOf=%p.target\n",
			want: []Dep{dep(PartOf, "wg-quick.target", 3, "PartOf", "%p.target"), dep(Want, "wg-keys@wg0.service", 2, "Wants", "wg-keys@%i.service")},
		},
		{
			name: "names with an unexpandable specifier are skipped",
			unit: "wg-quick@.service",
			data: "[Unit]\nWants=wg-keys@%i.service network.target\nAfter=%Z.service\n",
			want: []Dep{named(Want, "network.target", 2, "Wants")},
		},
		{
			name: "a template timer triggers the template service",
			unit: "backup@.timer",
			data: "[Timer]\nOnCalendar=daily\n",
			want: []Dep{dep(Trigger, "backup@.service", 1, "Unit (default)", "backup@.service")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := load(t, tc.unit, tc.data)
			deps, probs := u.Deps(sysCtx(u.Name))
			if diff := cmp.Diff(tc.want, deps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("deps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, probs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDepsDropIn checks that a drop-in's dependencies add to the unit's,
// with the drop-in's file as evidence.
func TestDepsDropIn(t *testing.T) {
	d := parsed(t, dropA, "[Unit]\nRequires=\nRequires=media.service\nAfter=media.service\n")
	u := load(t, "docker.service", "[Unit]\nRequires=docker.socket\n", d)
	deps, probs := u.Deps(sysCtx(u.Name))
	want := []Dep{
		{Kind: Requirement, Name: "docker.socket", Evidence: graph.Evidence{File: testFile, Line: 2, Key: "Requires", Token: "docker.socket"}},
		{Kind: Requirement, Name: "media.service", Evidence: graph.Evidence{File: dropA, Line: 3, Key: "Requires", Token: "media.service"}},
		{Kind: After, Name: "media.service", Evidence: graph.Evidence{File: dropA, Line: 4, Key: "After", Token: "media.service"}},
	}
	if diff := cmp.Diff(want, deps); diff != "" {
		t.Errorf("deps (-want +got):\n%s", diff)
	}
	if len(probs) > 0 {
		t.Errorf("problems: %+v", probs)
	}
}

func TestValidate(t *testing.T) {
	invalid := func(line int, key, msg string) []record.Problem {
		return []record.Problem{{File: testFile, Line: line, Key: key, Rule: record.InvalidUnit, Message: msg}}
	}
	const twoStarts = "service x.service has more than one ExecStart= command, which only Type=oneshot allows: systemd refuses to load it (a drop-in must reset the list with an empty ExecStart= first)"
	const noStart = "service x.service has no ExecStart= (nor ExecStop= or SuccessAction=): systemd refuses to load it"
	tests := []struct {
		name string
		unit string
		data string
		want []record.Problem
	}{
		{"one ExecStart", "x.service", "[Service]\nExecStart=/bin/a\n", nil},
		{"two ExecStart in a simple service: at the second", "x.service", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/a\nExecStart=/bin/b\nExecStart=/bin/c\n",
			invalid(5, "ExecStart", twoStarts)},
		{"explicit Type=simple", "x.service", "[Service]\nType=simple\nExecStart=/bin/a\nExecStart=/bin/b\n", invalid(4, "ExecStart", twoStarts)},
		{"two commands in one line", "x.service", "[Service]\nType=notify\nExecStart=/bin/a ; /bin/b\n", invalid(3, "ExecStart", twoStarts)},
		{"oneshot allows several", "x.service", "[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b ; /bin/c\n", nil},
		{"a reset leaves one", "x.service", "[Service]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n", nil},
		{"no ExecStart but ExecStop", "x.service", "[Service]\nRemainAfterExit=yes\nExecStop=/bin/stop\n", nil},
		{"no ExecStart but SuccessAction (a [Unit] key)", "x.service", "[Unit]\nSuccessAction=reboot\n", nil},
		{"SuccessAction in [Service] is not systemd's", "x.service", "[Service]\nSuccessAction=reboot\n", invalid(1, "ExecStart", noStart)},
		{"no ExecStart at all: at the [Service] line", "x.service", "[Unit]\nDescription=x\n\n[Service]\nExecStartPre=/bin/pre\n",
			invalid(4, "ExecStart", noStart)},
		{"no [Service] section: line 0", "x.service", "[Unit]\nDescription=x\n", invalid(0, "ExecStart", noStart)},
		{"ExecStart emptied", "x.service", "[Service]\nExecStart=/bin/a\nExecStart=\n", invalid(1, "ExecStart", noStart)},
		{"a socket is never checked", "x.socket", "[Socket]\nListenStream=1\n", nil},
		{"a timer is never checked", "x.timer", "[Timer]\nOnCalendar=daily\n", nil},
		{"a target is never checked", "x.target", "[Unit]\nDescription=x\n", nil},
		{"an unknown escape does not lose the command", "x.service", "[Service]\nExecStart=/bin/sh -c 'grep -q \"\\d\" /etc/x'\n", nil},
		{"a file with no section", "x.service", "", nil},
		{"a file with only comments", "x.service", "# masked by hand\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := load(t, tc.unit, tc.data)
			if diff := cmp.Diff(tc.want, u.Validate(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateDropIn checks that a drop-in adding a second ExecStart=
// without a reset is reported at its own line.
func TestValidateDropIn(t *testing.T) {
	unit := "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n"
	bad := parsed(t, dropA, "[Service]\nExecStart=/usr/bin/dockerd --data-root=/srv/docker\n")
	u := load(t, "docker.service", unit, bad)
	want := []record.Problem{{File: dropA, Line: 2, Key: "ExecStart", Rule: record.InvalidUnit,
		Message: "service docker.service has more than one ExecStart= command, which only Type=oneshot allows: systemd refuses to load it (a drop-in must reset the list with an empty ExecStart= first)"}}
	if diff := cmp.Diff(want, u.Validate()); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	good := parsed(t, dropA, "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root=/srv/docker\n")
	if probs := load(t, "docker.service", unit, good).Validate(); len(probs) > 0 {
		t.Errorf("with a reset: %+v", probs)
	}
}
