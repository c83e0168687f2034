# bash completion for berthctl: commands, the options each command reads, and the values
# of the options that take one of a fixed set. Repositories are not completed: only the
# registry knows them.
# The lists follow `berthctl --help`; scripts/package fails when they drift apart.

_berthctl_commands="repos tags builds record history audit diff promote rollback mark policy
labels publish lint board train verify running redeploy insights db-password"

# Options that mean the same for every command.
_berthctl_common="--json --insecure --ca-file --concurrency --db --git --actor --reason --help"

# Options only some commands read (QCommandLineParser accepts every option everywhere, but
# offering publish's --version to `tags` would only mislead).
_berthctl_options_for() {
    case $1 in
        record) echo "--seen-at --allow-partial" ;;
        builds) echo "--allow-partial --verify-key --certificate-authority --log-key --certificate-oidc-issuer --certificate-identity --certificate-identity-regexp" ;;
        promote) echo "--via --expect --yes --verify-key --certificate-authority --log-key --certificate-oidc-issuer --certificate-identity --certificate-identity-regexp --redeploy --hosts --stay-running --health-timeout --stop-timeout" ;;
        rollback) echo "--via --expect --yes --mark-bad --to --verify-key --certificate-authority --log-key --certificate-oidc-issuer --certificate-identity --certificate-identity-regexp --redeploy --hosts --stay-running --health-timeout --stop-timeout" ;;
        mark) echo "--env" ;;
        labels) echo "--format --require-clean" ;;
        publish) echo "--version --dry-run" ;;
        board) echo "--differs --full" ;;
        train) echo "--from --to --yes" ;;
        verify) echo "--verify-key --certificate-authority --log-key --certificate-oidc-issuer --certificate-identity --certificate-identity-regexp" ;;
        running) echo "--env --hosts" ;;
        redeploy) echo "--hosts --stay-running --health-timeout --stop-timeout" ;;
        insights) echo "--since --until --env --csv --failure-window" ;;
    esac
}

# COMPREPLY from compgen, one candidate a line so file names with spaces stay whole, and
# each once (several commands share an option).
_berthctl_reply() {
    local cur=$1
    shift
    mapfile -t COMPREPLY < <(compgen "$@" -- "$cur" | sort -u)
}

# Options followed by a value, so the word after one is not a positional argument.
_berthctl_takes_value() {
    case $1 in
        --ca-file | --concurrency | --db | --git | --actor | --reason | --seen-at | --via | \
            --expect | --to | --from | --env | --format | --version | --differs | \
            --verify-key | --since | --until | --failure-window | --hosts | --stay-running | \
            --health-timeout | --stop-timeout | --certificate-authority | --log-key | \
            --certificate-oidc-issuer | --certificate-identity | \
            --certificate-identity-regexp) return 0 ;;
    esac
    return 1
}

_berthctl() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # COMP_WORDBREAKS splits --via=engine into "--via" "=" "engine".
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # The command and the positional arguments before the cursor, skipping options and
    # their values.
    local command="" word
    local -a positional=()
    local i=1 skip_value=0
    while ((i < COMP_CWORD)); do
        word=${COMP_WORDS[i]}
        if ((skip_value)); then
            skip_value=0
            [[ $word == "=" ]] && skip_value=1
        elif [[ $word == -* ]]; then
            _berthctl_takes_value "$word" && skip_value=1
            # publish's --version takes a value; alone it prints berthctl's version.
            [[ $word == --version && -z $command ]] && skip_value=0
        elif [[ -z $command ]]; then
            command=$word
        else
            positional+=("$word")
        fi
        ((i++))
    done

    local train_envs="dev staging production"
    case $prev in
        --via)
            _berthctl_reply "$cur" -W "registry engine"
            return ;;
        --format)
            _berthctl_reply "$cur" -W "args json env"
            return ;;
        --ca-file | --verify-key | --certificate-authority | --log-key | --db)
            compopt -o filenames 2>/dev/null || true
            _berthctl_reply "$cur" -f
            return ;;
        --git)
            compopt -o filenames 2>/dev/null || true
            _berthctl_reply "$cur" -d
            return ;;
        --env | --from)
            _berthctl_reply "$cur" -W "$train_envs"
            return ;;
        --to)
            # train promote --to names an environment; rollback --to a build.
            [[ $command == train ]] && _berthctl_reply "$cur" -W "$train_envs"
            return ;;
        --concurrency | --actor | --reason | --seen-at | --expect | --differs | --since | \
            --until | --failure-window | --hosts | --stay-running | --health-timeout | --stop-timeout)
            return ;;
        --version)
            [[ -n $command ]] && return ;;
    esac

    if [[ $cur == -* ]]; then
        local options
        if [[ -z $command ]]; then
            # Before the command: every option, and the ones that stand alone.
            local c all=""
            for c in $_berthctl_commands; do
                all+=" $(_berthctl_options_for "$c")"
            done
            options="$_berthctl_common --help-all --version $all"
        else
            options="$_berthctl_common $(_berthctl_options_for "$command")"
        fi
        _berthctl_reply "$cur" -W "$options"
        return
    fi

    if [[ -z $command ]]; then
        _berthctl_reply "$cur" -W "$_berthctl_commands"
        return
    fi
    case $command in
        train)
            ((${#positional[@]} == 0)) &&
                _berthctl_reply "$cur" -W "promote rollback list"
            ;;
        mark)
            # mark <repository> <ref> good|bad
            ((${#positional[@]} == 2)) && _berthctl_reply "$cur" -W "good bad"
            ;;
    esac
}

complete -F _berthctl berthctl
