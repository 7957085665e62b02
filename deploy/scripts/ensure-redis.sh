#!/usr/bin/env bash
# Makes sure a Redis server answers at NEXUS_REDIS_HOST:NEXUS_REDIS_PORT (default 127.0.0.1:6379).
set -euo pipefail
host=${NEXUS_REDIS_HOST:-127.0.0.1}
port=${NEXUS_REDIS_PORT:-6379}
ping() { redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG; }
if command -v redis-cli >/dev/null && ping; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  echo "installing Debian's redis-server" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >/dev/null; fi
fi
mkdir -p /tmp/nexus-redis
redis-server --daemonize yes --bind "$host" --port "$port" --save "" --appendonly no \
  --dir /tmp/nexus-redis --logfile /tmp/nexus-redis/redis.log
for _ in $(seq 1 50); do ping && exit 0; sleep 0.1; done
echo "redis-server did not answer at $host:$port" >&2
exit 1
