# The embedded server's file agent. It runs inside a sandbox, as the sandbox's root, in
# the sandbox's own mount namespace and root, so every path it is given resolves exactly
# as it would for a process of the sandbox: links, races, '..' and /proc included, it can
# reach nothing a sandbox process could not.
#
# Usage: file-agent.sh OPERATION ARGUMENTS...
# Records on standard output are NUL-separated. On failure the exit code says what went
# wrong and the first line of standard error names the path:
#   2 not found, 3 wrong type, 4 already exists, 5 a link where none is followed,
#   6 not a directory, 1 anything else (the tool's own message follows).
set -u
umask 022
INFO='%y\0%s\0%T@\0%B@\0%m\0%u\0%g\0'

fail() {
	printf '%s\n' "$2" >&2
	exit "$1"
}

exists() {
	[ -e "$1" ] || [ -L "$1" ]
}

# Mode (octal digits, empty or 0 to keep), owner and group (empty to keep).
permissions() {
	if [ -n "$3" ]; then chown -- "$3" "$1" || exit 1; fi
	if [ -n "$4" ]; then chgrp -- "$4" "$1" || exit 1; fi
	if [ -n "$2" ] && [ "$2" != 0 ]; then chmod -- "$2" "$1" || exit 1; fi
}

# Owner and group must exist (or be numeric ids) before anything is changed.
principals() {
	# a name is never an option of getent, chown or chgrp
	case "$1$2" in -* | *[[:space:]]*) fail 1 "invalid user or group: '$1' '$2'" ;; esac
	case "$2" in -*) fail 1 "invalid group: '$2'" ;; esac
	case "$1" in
	'' | *[!0-9]*) if [ -n "$1" ] && ! getent passwd "$1" >/dev/null; then fail 1 "invalid user: '$1'"; fi ;;
	esac
	case "$2" in
	'' | *[!0-9]*) if [ -n "$2" ] && ! getent group "$2" >/dev/null; then fail 1 "invalid group: '$2'"; fi ;;
	esac
}

operation=$1
shift
case "$operation" in
info)
	for path in "$@"; do
		exists "$path" || fail 2 "$path"
		find "$path" -maxdepth 0 -printf "$INFO" || exit 1
	done
	;;
list)
	path=$1
	exists "$path" || fail 2 "$path"
	[ -L "$path" ] && fail 5 "$path"
	[ -d "$path" ] || fail 6 "$path"
	find "$path" -mindepth 1 -maxdepth "$2" -printf "%P\0$INFO"
	;;
search)
	path=$1
	exists "$path" || fail 2 "$path"
	[ -d "$path" ] || fail 6 "$path"
	find -H "$path" -mindepth 1 -type f -printf "%P\0$INFO" 2>/dev/null
	exit 0
	;;
read)
	path=$1
	exists "$path" || fail 2 "$path"
	[ -f "$path" ] || fail 3 "$path"
	exec 3<"$path" || exit 1
	# The open file is what counts: it may have been swapped for something else since.
	[ -f /proc/self/fd/3 ] || fail 3 "$path"
	stat -L --printf '%s %.9Y\n' /proc/self/fd/3 || exit 1
	read -r from length || exit 0
	[ "$length" = 0 ] && exit 0
	exec dd if=/proc/self/fd/3 bs=65536 iflag=skip_bytes,count_bytes skip="$from" count="$length" status=none
	;;
write)
	path=$1
	principals "$3" "$4"
	parent=${path%/*}
	[ -n "$parent" ] && { mkdir -p -- "$parent" || exit 1; }
	[ -d "$path" ] && fail 3 "$path"
	created=0
	exists "$path" || created=1
	cat >"$path" || exit 1
	if [ "$created" = 1 ]; then chmod 755 -- "$path" || exit 1; fi
	permissions "$path" "$2" "$3" "$4"
	;;
chmod)
	path=$1
	exists "$path" || fail 2 "$path"
	principals "$3" "$4"
	permissions "$path" "$2" "$3" "$4"
	;;
mkdir)
	path=$1
	principals "$3" "$4"
	if exists "$path" && [ ! -d "$path" ]; then fail 4 "$path"; fi
	# An existing directory keeps its mode; owner and group still apply
	if [ -d "$path" ]; then
		permissions "$path" "" "$3" "$4"
	else
		mkdir -p -- "$path" || exit 1
		permissions "$path" "$2" "$3" "$4"
	fi
	;;
delete)
	for path in "$@"; do
		[ -d "$path" ] && [ ! -L "$path" ] && fail 3 "$path"
		rm -f -- "$path" || exit 1
	done
	;;
rmtree)
	for path in "$@"; do
		rm -rf -- "$path" || exit 1
	done
	;;
move)
	exists "$1" || fail 2 "$1"
	exists "$2" && fail 4 "$2"
	parent=${2%/*}
	[ -n "$parent" ] && { mkdir -p -- "$parent" || exit 1; }
	mv -T -- "$1" "$2" || exit 1
	;;
isdir)
	[ -d "$1" ] || fail 6 "$1"
	;;
*)
	fail 1 "unknown operation $operation"
	;;
esac
