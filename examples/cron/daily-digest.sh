#!/usr/bin/env bash
# Build the daily digest in a blog checkout, then commit and push the posts if they changed.
#
# Usage: daily-digest.sh BLOG_DIR [digest build options, e.g. --date 2026-02-20]
#
# crontab -e (times are the machine's local time; digest builds yesterday in UTC, so run a
# while after 00:00 UTC, e.g. 01:17 UTC, which is 10:17 in Seoul):
#   17 10 * * * DIGEST=/home/me/.venv/bin/digest /home/me/daily-digest.sh /home/me/blog
#
# Environment:
#   DIGEST      the digest command (default: digest on PATH; cron's PATH is short)
#   DIGEST_LOG  log file, appended to (default: ~/.local/state/digest/daily-digest.log)
#   DIGEST_LOCK lock file (default: daily-digest.lock in the checkout's .git folder)
#
# Everything goes to the log. A failure also prints one line on stderr, which cron mails.
# Exit: 0 done, nothing to do, or another run still holds the lock; when the build fails,
# digest's own code (2 usage or config, 3 API unavailable, 4 API data not trusted, 1 other);
# 1 when git fails.
set -euo pipefail

blog=${1:?usage: daily-digest.sh BLOG_DIR [digest build options]}
shift
digest=${DIGEST:-digest}
log=${DIGEST_LOG:-${XDG_STATE_HOME:-${HOME}/.local/state}/digest/daily-digest.log}

stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

exec 8>&2 # cron's stderr: what lands here is mailed
mkdir -p "$(dirname "${log}")"
exec >>"${log}" 2>&1
trap 'code=$?; [ "${code}" -eq 0 ] || echo "daily-digest: failed with exit ${code} in ${blog} (log: ${log})" >&8' EXIT

cd "${blog}"
lock=${DIGEST_LOCK:-$(git rev-parse --absolute-git-dir)/daily-digest.lock}
exec 9>"${lock}"
if ! flock --nonblock 9; then
  echo "$(stamp) another run holds ${lock}: skipped"
  exit 0
fi

# A push or pull that wants a password fails at once instead of waiting forever.
export GIT_TERMINAL_PROMPT=0
echo "$(stamp) start: ${digest} build $*"
# --autostash: posts left uncommitted by an interrupted run do not block the pull.
git pull --rebase --autostash --quiet

status=0
summary=$("${digest}" build "$@") || status=$?
echo "${summary}"
if [ "${status}" -ne 0 ]; then
  echo "$(stamp) digest build failed with exit ${status}"
  exit "${status}"
fi

git add --all
# A commit only when a post changed: on a day without papers digest still archives the API's
# empty answer, which is no reason for a commit (the next one takes it along).
if git diff --cached --quiet -- '*.md'; then
  echo "$(stamp) no post changed: no commit"
else
  # The summary line reads like "2026-02-20: 13 papers; written 2".
  git commit --quiet -m "Daily papers digest for ${summary%%:*}"
fi
# Push whatever is not upstream yet, a commit left by an earlier failed push included.
if [ -z "$(git rev-list '@{upstream}..HEAD')" ]; then
  exit 0
fi
for attempt in 1 2 3; do
  if git push --quiet; then
    echo "$(stamp) pushed $(git rev-parse --short HEAD)"
    exit 0
  fi
  echo "$(stamp) push rejected (attempt ${attempt}): rebasing and retrying"
  sleep "${attempt}"
  git pull --rebase --quiet
done
echo "$(stamp) could not push after 3 attempts"
exit 1
