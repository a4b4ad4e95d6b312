# Sourced first by every tests/cli script (after `set -u`): the program under test as an absolute
# path in $CS (CALLSCALE, default build/callscale), the repository root as the working directory,
# a temporary folder $T (named after PRELUDE_NAME) removed on exit, and the TAP-like reporting
# they share: ok / not_ok / diag / check count into $pass and $fail.

CS=${CALLSCALE:-build/callscale}
case $CS in /*) ;; *) [ -e "$CS" ] && CS="$PWD/$CS" ;; esac
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || { echo "not ok - cannot cd to the repository root"; exit 1; }
case $CS in /*) ;; *) CS="$PWD/$CS" ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/callscale-${PRELUDE_NAME:-cli}.XXXXXX") ||
    { echo "not ok - mktemp -d failed"; exit 1; }
trap 'rm -rf "$T"' EXIT

pass=0 fail=0
ok()     { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
diag()   { printf '%s\n' "$@" | sed 's/^/#   /'; }
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# require_program: stop at once, with one failed check, when $CS is not there to test.
require_program() {
    if [ ! -x "$CS" ]; then
        not_ok "binary $CS exists and is executable (run make first)"
        echo "# 0 passed, 1 failed"
        exit 1
    fi
}

# cs OUT ARGS...: run the program; stdout in OUT.out, stderr in OUT.err, exit status in $rc.
cs() {
    local out=$1; shift
    "$CS" "$@" >"$out.out" 2>"$out.err" </dev/null
    rc=$?
}
# mk NAME: stdin into $T/NAME.ini, whose path it prints.
mk() { cat >"$T/$1.ini"; echo "$T/$1.ini"; }
nlines() { wc -l <"$1" | tr -d ' '; }
