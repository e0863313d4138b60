#!/usr/bin/env bash
# The runtime files of Orderly's container image when no base image can be pulled (no registry
# reachable, as on the build machines here): a jlinked Java runtime from JAVA_HOME and the C
# libraries it links against, copied from this machine, into orderly-server/target/image-rootfs.
# The `image` Maven profile then builds on `scratch` with it (docs/deploy.md):
#   deploy/image-rootfs.sh && ./mvnw -B -Pimage -Djib.from.image=scratch -Dorderly.image.rootfs=true -pl orderly-server -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:?set JAVA_HOME to a JDK 21+ with jlink}
OUT=orderly-server/target/image-rootfs
rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT/tmp" "$OUT/var/lib/orderly"
"$JAVA_HOME/bin/jlink" --output "$OUT/opt/java" --strip-debug --no-header-files --no-man-pages \
  --add-modules java.se,jdk.unsupported,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.crypto.ec,jdk.localedata \
  --include-locales=en,ko
# Every shared library the runtime needs, at the path the dynamic linker looks for it.
find "$OUT/opt/java" -name '*.so' -o -path '*/bin/java' | xargs ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\s*\/lib/ { print $1 }' | sort -u | while read -r lib; do
    mkdir -p "$OUT$(dirname "$lib")"
    cp -L "$lib" "$OUT$lib"
  done
# ld.so's own canonical path, and the resolver's files (the JVM reads them for DNS and user names).
mkdir -p "$OUT/etc"
printf 'root:x:0:0:root:/root:/sbin/nologin\norderly:x:1000:1000:orderly:/var/lib/orderly:/sbin/nologin\n' > "$OUT/etc/passwd"
printf 'root:x:0:\norderly:x:1000:\n' > "$OUT/etc/group"
printf 'hosts: files dns\n' > "$OUT/etc/nsswitch.conf"
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -f "$lib" ] && { mkdir -p "$OUT$(dirname "$lib")"; cp -L "$lib" "$OUT$lib"; }
done
du -sh "$OUT"
