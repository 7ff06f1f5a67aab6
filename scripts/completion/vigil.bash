# bash completion for vigil(1): options, actions, and the names of the
# services the running daemon reports (vigil summary), for the actions that
# take one.
_vigil() {
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local actions="status summary start stop restart monitor unmonitor reload quit validate"
	case $prev in
	-c|--socket)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-g)
		return
		;;
	status|summary|start|stop|restart|monitor|unmonitor)
		local names
		names=$(vigil summary 2>/dev/null | awk 'NR > 1 && NF { print $1 }' | tr -d "'")
		[ "$prev" = status ] || [ "$prev" = summary ] || names="$names all"
		COMPREPLY=($(compgen -W "$names" -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-c -t -I -v -g -V -h --socket" -- "$cur"))
		return
	fi
	local w
	for w in "${words[@]:1:cword-1}"; do
		case " $actions " in *" $w "*) return ;; esac
	done
	COMPREPLY=($(compgen -W "$actions" -- "$cur"))
}
complete -F _vigil vigil
