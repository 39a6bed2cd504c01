# The release binary (scripts/release → dist/pgreown) on a slim Debian with exactly the runtime
# libraries it needs: libpq, zlib, ISA-L, liblz4, libzstd and libcrypto (libc and libstdc++ are in the base image).
# Build: scripts/release && docker build -t pgreown .
# The nightly job runs it as UID 1001 with a read-only root and a writable /tmp.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 zlib1g libisal2 liblz4-1 libzstd1 libssl3 \
 && rm -rf /var/lib/apt/lists/*
COPY dist/pgreown /usr/local/bin/pgreown
COPY dist/man/ /usr/local/share/man/man1/
USER 1001
WORKDIR /tmp
ENTRYPOINT ["/usr/local/bin/pgreown"]
CMD ["--help"]
