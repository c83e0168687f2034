#!/usr/bin/python3
"""Test-side front for a registry that lacks the OCI 1.1 referrers API.

Debian's docker-registry (distribution 2.8) has no /v2/<name>/referrers/<digest>, and no
registry that has it is packaged here. This front answers that one endpoint from what the
registry itself stored (its filesystem storage: every manifest revision of the
repository, read from the blob store) and passes every other GET and HEAD to the registry
unchanged, so a client sees one registry that offers the API.

Usage:
  referrers_api.py --upstream 127.0.0.1:PORT --storage DIR [--page-size N]

Listens on a free port of 127.0.0.1 and prints it as the first line of stdout. The index
lists each manifest whose subject is the digest asked for, sorted by digest: mediaType,
digest, size, artifactType (the manifest's own, else its config's media type) and the
manifest's annotations. ?artifactType=X filters (and says so in OCI-Filters-Applied).
--page-size N answers N entries a page, each next page named by a Link header.
Every referrers request is counted; GET /_front/count answers the count.
"""

import argparse
import glob
import http.client
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REFERRERS = re.compile(r"^/v2/(.+)/referrers/(sha256:[0-9a-f]{64})$")


class Front(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream, storage, page_size):
        super().__init__(("127.0.0.1", 0), Handler)
        self.upstream = upstream
        self.storage = storage
        self.page_size = page_size
        self.referrers_requests = 0
        self.count_lock = threading.Lock()

    def blob(self, digest):
        hex_digest = digest.split(":", 1)[1]
        path = os.path.join(self.storage, "docker", "registry", "v2", "blobs", "sha256",
                            hex_digest[:2], hex_digest, "data")
        with open(path, "rb") as f:
            return f.read()

    def referrers(self, repository, subject):
        revisions = os.path.join(self.storage, "docker", "registry", "v2", "repositories",
                                 repository, "_manifests", "revisions", "sha256", "*", "link")
        found = []
        for link in glob.glob(revisions):
            with open(link, encoding="ascii") as f:
                digest = f.read().strip()
            data = self.blob(digest)
            try:
                manifest = json.loads(data)
            except ValueError:
                continue
            if not isinstance(manifest, dict):
                continue
            if (manifest.get("subject") or {}).get("digest") != subject:
                continue
            descriptor = {
                "mediaType": manifest.get("mediaType", OCI_MANIFEST),
                "digest": digest,
                "size": len(data),
                "artifactType": manifest.get("artifactType")
                or (manifest.get("config") or {}).get("mediaType", ""),
            }
            if manifest.get("annotations"):
                descriptor["annotations"] = manifest["annotations"]
            found.append(descriptor)
        return sorted(found, key=lambda d: d["digest"])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_front/count":
            return self.answer(200, {"Content-Type": "application/json"},
                               json.dumps({"referrers": self.server.referrers_requests}).encode())
        match = REFERRERS.match(url.path)
        if match:
            return self.referrers(match.group(1), match.group(2), urllib.parse.parse_qs(url.query))
        self.forward()

    def do_HEAD(self):
        self.forward()

    def referrers(self, repository, subject, query):
        with self.server.count_lock:
            self.server.referrers_requests += 1
        entries = self.server.referrers(repository, subject)
        headers = {"Content-Type": OCI_INDEX}
        wanted = query.get("artifactType")
        if wanted:
            entries = [e for e in entries if e["artifactType"] in wanted]
            headers["OCI-Filters-Applied"] = "artifactType"
        size = self.server.page_size
        if size:
            page = int(query.get("page", ["0"])[0])
            if (page + 1) * size < len(entries):
                following = dict(query, page=[str(page + 1)])
                headers["Link"] = '<%s?%s>; rel="next"' % (
                    urllib.parse.urlsplit(self.path).path,
                    urllib.parse.urlencode(following, doseq=True))
            entries = entries[page * size:(page + 1) * size]
        body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                           "manifests": entries}).encode()
        self.answer(200, headers, body)

    def forward(self):
        connection = http.client.HTTPConnection(self.server.upstream, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            connection.request(self.command, self.path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            passed = {k: v for k, v in response.getheaders()
                      if k.lower() not in ("connection", "transfer-encoding", "content-length")}
            self.answer(response.status, passed, body,
                        length=response.getheader("Content-Length"))
        finally:
            connection.close()

    def answer(self, status, headers, body, length=None):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        # A HEAD answer keeps the length the GET would have had.
        self.send_header("Content-Length", length if length is not None else str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser(description="Referrers API in front of a registry.")
    parser.add_argument("--upstream", required=True, help="host:port of the registry")
    parser.add_argument("--storage", required=True, help="the registry's storage root")
    parser.add_argument("--page-size", type=int, default=0)
    args = parser.parse_args()
    front = Front(args.upstream, args.storage, args.page_size)
    sys.stdout.write("%d\n" % front.server_address[1])
    sys.stdout.flush()
    front.serve_forever()


if __name__ == "__main__":
    main()
