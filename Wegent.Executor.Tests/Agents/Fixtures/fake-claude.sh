#!/bin/bash
# A stand-in for the Claude Code CLI: prints stream-json according to FAKE_CLAUDE_MODE.
# It records its argv (NUL-separated) and environment in the working directory for the tests to inspect.
printf '%s\0' "$@" > fake-claude.args
env -0 > fake-claude.env

init='{"type":"system","subtype":"init","cwd":"/w","session_id":"fake-session-1","model":"fake-model","permissionMode":"bypassPermissions"}'
text() { printf '{"type":"assistant","message":{"id":"msg_%s","role":"assistant","content":[{"type":"text","text":"%s"}]},"session_id":"fake-session-1"}\n' "$RANDOM" "$1"; }
result_ok='{"type":"result","subtype":"success","is_error":false,"duration_ms":12,"num_turns":2,"result":"All done.","session_id":"fake-session-1","total_cost_usd":0.0012,"usage":{"input_tokens":20,"output_tokens":10},"permission_denials":[]}'

# Starts `sleep 600` in its own session, orphaned at once (reparented away from this script), and prints its pid.
orphan() {
    (setsid bash -c 'echo $$ > orphan.pid; exec sleep 600' < /dev/null > /dev/null 2>&1 &)
    while [ ! -s orphan.pid ]; do sleep 0.01; done
    text "orphan $(cat orphan.pid)"
}

case "$FAKE_CLAUDE_MODE" in
success)
    echo "$init"
    echo 'not json: a stray warning line'
    text "Running it."
    echo '{"type":"assistant","message":{"id":"msg_1","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"echo hi"}}]}}'
    echo '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"hi","is_error":false}]}}'
    text "All done."
    echo "$result_ok"
    ;;
error_result)
    echo "$init"
    echo '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":500,"error_status":500,"error":"server_error"}'
    text "API Error: 500 boom"
    echo '{"type":"result","subtype":"success","is_error":true,"num_turns":1,"result":"API Error: 500 boom","session_id":"fake-session-1","total_cost_usd":0,"permission_denials":[]}'
    exit 1
    ;;
no_result)
    echo "$init"
    ;;
streamed_then_cut)
    # The answer streams and the turn ends, then the output stops mid-line: the assistant and result lines are lost.
    echo "$init"
    echo '{"type":"stream_event","event":{"type":"message_start","message":{"id":"msg_s"}},"parent_tool_use_id":null}'
    echo '{"type":"stream_event","event":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}},"parent_tool_use_id":null}'
    echo '{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The whole answer."}},"parent_tool_use_id":null}'
    echo '{"type":"stream_event","event":{"type":"message_delta","delta":{"stop_reason":"end_turn"}},"parent_tool_use_id":null}'
    echo '{"type":"stream_event","event":{"type":"message_stop"},"parent_tool_use_id":null}'
    printf '{"type":"assistant","message":{"id":"msg_s","content":[{"type":"text","text":"The whole'
    ;;
crash)
    echo "$init"
    echo 'fatal: the fake CLI broke' >&2
    exit 3
    ;;
result_hang)
    echo "$init"
    echo "$result_ok"
    sleep 600
    ;;
orphan_then_exit)
    echo "$init"
    orphan
    echo "$result_ok"
    ;;
orphan_then_wait)
    echo "$init"
    orphan
    # Ignores SIGINT while waiting (bash defers it until the foreground sleep ends): only the kill stops it.
    sleep 600
    ;;
interruptible)
    trap 'exit 0' INT
    echo "$init"
    sleep 600 &
    wait
    ;;
idle)
    sleep 600
    ;;
resume_unknown)
    # Like the real CLI given a session id it does not have: no init line, an error result, the reason on stderr.
    for arg in "$@"; do
        if [ "$arg" = "--resume" ]; then
            echo '{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":0,"session_id":"gone-session","errors":["No conversation found with session ID: gone-session"]}'
            echo 'No conversation found with session ID: gone-session' >&2
            exit 1
        fi
    done
    echo "$init"
    echo "$result_ok"
    ;;
read_stdin)
    # Like the real CLI, reads the prompt from stdin to its end: an open stdin would keep it here forever.
    cat > fake-claude.stdin
    echo "$init"
    echo "$result_ok"
    ;;
*)
    echo "unknown FAKE_CLAUDE_MODE '$FAKE_CLAUDE_MODE'" >&2
    exit 64
    ;;
esac
