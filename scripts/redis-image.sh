#!/usr/bin/env bash
# Builds a Redis image for @coordis/testkit's container driver from the redis-server installed
# on this machine, without pulling anything: a root file system holding only the binary, the
# libraries `ldd` lists for it and an empty /tmp, turned into an image by `docker import`.
# CI uses it because the machines it runs on reach no container registry.
#
#   scripts/redis-image.sh [tag]        tag defaults to $COORDIS_TESTKIT_IMAGE, else coordis/redis:local
#
# An image of that tag built from the same binary is reused (the binary's sha256 is in a label),
# so a second run costs one `docker image inspect`.
set -euo pipefail

tag=${1:-${COORDIS_TESTKIT_IMAGE:-coordis/redis:local}}
bin=$(command -v "${REDIS_SERVER_BIN:-redis-server}") || { echo "redis-image: redis-server not found; apt-get install redis-server" >&2; exit 1; }
# Debian ships redis-server as a symlink to redis-check-rdb; Redis picks its mode from argv[0],
# so the image gets the real file under the name redis-server.
real=$(readlink -f "$bin")
sha=$(sha256sum "$real" | cut -d' ' -f1)

if [ "$(docker image inspect --format '{{ index .Config.Labels "coordis.redis-sha256" }}' "$tag" 2>/dev/null || true)" = "$sha" ]; then
  echo "redis-image: $tag is up to date ($("$bin" --version | grep -o "v=[0-9.]*"))"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/data"
chmod 1777 "$root/tmp" "$root/data"
cp "$real" "$root/usr/local/bin/redis-server"
ln -s redis-server "$root/usr/local/bin/redis-sentinel"
# Every shared object the binary loads, at the path the loader looks for it (the loader itself
# is listed without "=>").
ldd "$real" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'WORKDIR /data' \
  --change 'CMD ["redis-server"]' \
  --change "LABEL coordis.redis-sha256=$sha" \
  --message "redis-server from $real" \
  - "$tag" >/dev/null
docker run --rm --network none "$tag" redis-server --version >/dev/null || { echo "redis-image: $tag was built but its redis-server does not run" >&2; exit 1; }
echo "redis-image: built $tag ($("$bin" --version | grep -o "v=[0-9.]*"), $(docker image inspect --format '{{.Size}}' "$tag") bytes)"
