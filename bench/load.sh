#!/usr/bin/env bash
# Load test on loopback: the site under the production server against a hello-world WSGI app
# served the same way, in the same run, so the site's req/s reads as a share of the server's.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_1m bench/load.sh
#   bench/load.sh --server granian --duration 10 --connections 32
#
# Runs wrk (Debian package; installed if missing) for --duration seconds per target with
# --connections connections: the hello app, /claims/ unfiltered, the realistic /claims/ mix
# (bench/load_paths.py) and a mix of claim pages. Prints req/s, the ratio to the hello app,
# p50/p99 latency and errors (socket errors, non-2xx/3xx). Servers are stopped on exit. Every
# request goes to 127.0.0.1 only. gunicorn uses factcheck/gunicorn.py (workers from the core
# count); the server, wrk and PostgreSQL share this machine's cores.
#
# The page cache (factcheck/page_cache.py) starts cold: the run gets a release of its own
# (PAGE_CACHE_RELEASE), so no page cached before counts. "cold" requests each distinct URL of
# the mix once (what readers meet right after an editor's change); the wrk runs after it are
# warm. --no-page-cache serves without the cache, for comparison. The database needs the
# migrations (the content version triggers): migrate a copy of the corpus, not the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

server=gunicorn duration=20 connections=16 wrk_threads=2
while [ $# -gt 0 ]; do
    case "$1" in
        --server) server="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --no-page-cache) export PAGE_CACHE=0; shift ;;
        *) echo "usage: bench/load.sh [--server gunicorn|granian] [--duration S] [--connections N] [--only NAME] [--no-page-cache]" >&2; exit 2 ;;
    esac
done
only="${only:-}"
[ -x .venv/bin/python ] || { echo "error: run bin/test or bin/serve once first (.venv)" >&2; exit 1; }
if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [ "$server" = granian ] && [ ! -x .venv/bin/granian ]; then
    echo "==> installing granian (only for this comparison)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check granian
fi

scratch="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck_bench_1m}"
export DEBUG=0 SECRET_KEY="${SECRET_KEY:-load-test-only-0123456789-abcdefghijklmnopqrstuvwxyz}"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 STATIC_ROOT="$scratch/static"
export GUNICORN_ACCESS_LOG="" LOG_LEVEL=ERROR
export PAGE_CACHE_RELEASE="load-$$-$(date +%s)"
cores="$(nproc)"
workers="${WEB_CONCURRENCY:-$cores}" threads="${GUNICORN_THREADS:-8}"
export WEB_CONCURRENCY="$workers" GUNICORN_THREADS="$threads"

.venv/bin/python manage.py collectstatic --no-input -v0
if ! .venv/bin/python manage.py migrate --check >/dev/null 2>&1; then
    echo "error: ${DATABASE_URL##*/} lacks migrations (the page cache needs claims 0014). Copy it" >&2
    echo "       (createdb -T) and migrate the copy: the corpus itself stays read-only." >&2
    exit 1
fi
.venv/bin/python manage.py createcachetable
(cd bench && ../.venv/bin/python load_paths.py claims-mix 5000) > "$scratch/claims-mix.txt"
(cd bench && ../.venv/bin/python load_paths.py claim-pages 5000) > "$scratch/claim-pages.txt"
cat > "$scratch/mix.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter * 7919) % #paths + 1])
end
LUA

start_server() {  # app port
    local app="$1" port="$2"
    case "$server" in
        gunicorn)
            BIND="127.0.0.1:$port" .venv/bin/gunicorn -c factcheck/gunicorn.py "$app" \
                >"$scratch/server-$port.log" 2>&1 &
            ;;
        granian)
            .venv/bin/granian --interface wsgi --host 127.0.0.1 --port "$port" \
                --workers "$workers" --blocking-threads "$threads" --no-ws \
                "$app" >"$scratch/server-$port.log" 2>&1 &
            ;;
        *) echo "unknown server $server" >&2; exit 2 ;;
    esac
    pids+=("$!")
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.2
    done
    echo "error: the server on port $port did not start:" >&2
    cat "$scratch/server-$port.log" >&2
    exit 1
}

hello_rps=""
measure() {  # name port path [paths-file]
    local name="$1" port="$2" path="$3" paths="${4:-}" output
    if [ -n "$only" ] && [ "$name" != hello ] && [[ "$name" != *"$only"* ]]; then return; fi
    # A short warm-up, so connections and worker caches are not what is measured.
    wrk -t"$wrk_threads" -c"$connections" -d2s "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
    if [ -n "$paths" ]; then
        output="$(WRK_PATHS="$paths" wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" \
            --timeout 30s --latency -s "$scratch/mix.lua" "http://127.0.0.1:$port")"
    else
        output="$(wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --timeout 30s --latency \
            "http://127.0.0.1:$port$path")"
    fi
    echo "$output" > "$scratch/wrk-$name.txt"
    local rps p50 p99 errors non2xx ratio
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
    errors="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$output")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$output")"
    [ "$name" = hello ] && hello_rps="$rps"
    ratio="$(awk -v a="$rps" -v b="$hello_rps" 'BEGIN { if (b > 0) printf "1 : %.0f (%.2f %%)", b / a, 100 * a / b }')"
    printf '%-22s %10s %22s %10s %10s %8s %8s\n' "$name" "$rps" "$ratio" "$p50" "$p99" \
        "${errors:-0}" "${non2xx:-0}"
}

echo "==> $server, $workers workers x $threads threads on $cores cores; wrk -t$wrk_threads -c$connections -d${duration}s"
echo "    database: ${DATABASE_URL##*/}"
start_server bench.hello_wsgi:application 8701
start_server factcheck.wsgi:application 8702
printf '%-22s %10s %22s %10s %10s %8s %8s\n' target "req/s" "vs hello" p50 p99 errors non-2xx
measure hello 8701 /
if [ -z "$only" ] || [[ "cold" == *"$only"* ]]; then
    sort -u "$scratch/claims-mix.txt" > "$scratch/claims-mix-distinct.txt"
    (cd bench && ../.venv/bin/python load_paths.py fetch "$scratch/claims-mix-distinct.txt" \
        "http://127.0.0.1:8702" "$connections")
fi
measure "claims unfiltered" 8702 /claims/
measure "claims mix" 8702 / "$scratch/claims-mix.txt"
measure "claim pages" 8702 / "$scratch/claim-pages.txt"
echo "(shared machine: other work on its 2 cores lowers both sides of each ratio)"
