#!/usr/bin/python3
"""Token issuer for Berth's tests: the Docker token-auth flow on loopback.

Started by RegistryServer (tests/support/RegistryServer.cpp) with /usr/bin/python3,
which has python3-jwt and python3-cryptography. It

  * generates an ES256 key and a self-signed certificate for it (--cert-file), which
    the registry loads as auth.token.rootcertbundle;
  * listens on a free loopback port and writes that port to --port-file once ready;
  * answers GET <realm>?service=...&scope=... with {token, access_token, expires_in,
    issued_at}.

Credentials: Basic credentials must match --username and the password in the
environment variable named by --password-env, else 401. A request without
credentials gets a token with an empty access list (like an anonymous pull token for
a private repository): the registry answers 401 to it, which is how a client learns
that it needs credentials. The authenticated user gets every scope it asks for.

POST (the OAuth2 refresh-token form) answers 404, so clients exercise their fallback
to GET.

Lifetime: distribution 2.8 accepts a token until exp + 60 s and from nbf - 60 s
(registry/auth/token: Leeway). To make --lifetime mean "the registry accepts the token
for about this many seconds", exp is set to now + lifetime - leeway and nbf to
now - leeway. expires_in in the answer is --advertised-expires-in, which may differ
on purpose so tests can make a client trust a token that is already stale.

Every issued token is logged as one JSON line in --log-file.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def libtrust_key_id(public_key):
    """The key id distribution 2.8 looks keys up by (libtrust's KeyID)."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def self_signed_certificate(key, common_name):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .sign(key, hashes.SHA256())
    )


def parse_scope(scope):
    """'repository:acme/api:pull,push' -> access entry; the name may hold ':' (host:port)."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if not kind or not name or not actions:
        return None
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


def write_atomically(path, text):
    # The parent polls for the file: it must never see it half written.
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


class Issuer:
    def __init__(self, args, password):
        self.args = args
        self.password = password
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = libtrust_key_id(self.key.public_key())
        self.pem_key = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        cert = self_signed_certificate(self.key, args.issuer)
        write_atomically(
            args.cert_file, cert.public_bytes(serialization.Encoding.PEM).decode()
        )
        self.log_lock = threading.Lock()

    def authenticate(self, header):
        """Returns (ok, username); username is None for an anonymous request."""
        if not header:
            return True, None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False, None
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except ValueError:
            return False, None
        if user == self.args.username and password == self.password:
            return True, user
        return False, None

    def issue(self, service, scopes, user):
        access = []
        if user is not None:
            for scope in scopes:
                entry = parse_scope(scope)
                # Like Docker Hub and GHCR: nobody may list the registry's repositories.
                if entry and not (self.args.deny_catalog and entry["type"] == "registry"):
                    access.append(entry)
        now = int(time.time())
        leeway = self.args.leeway
        claims = {
            "iss": self.args.issuer,
            "sub": user or "",
            "aud": service,
            "iat": now,
            "nbf": now - leeway,
            "exp": now + self.args.lifetime - leeway,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        token = jwt.encode(
            claims, self.pem_key, algorithm="ES256", headers={"kid": self.kid}
        )
        with self.log_lock, open(self.args.log_file, "a", encoding="utf-8") as log:
            log.write(
                json.dumps(
                    {"time": now, "user": user, "service": service, "scopes": scopes,
                     "access": access, "exp": claims["exp"]}
                )
                + "\n"
            )
        issued_at = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        return {
            "token": token,
            "access_token": token,
            "expires_in": self.args.advertised_expires_in,
            "issued_at": issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def make_handler(issuer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, body, extra_headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra_headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            service = query.get("service", [""])[0]
            if service != issuer.args.service:
                self.reply(400, {"errors": [{"code": "INVALID_SERVICE",
                                             "message": "unknown service " + service}]})
                return
            ok, user = issuer.authenticate(self.headers.get("Authorization"))
            if not ok:
                self.reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                             "message": "invalid credentials"}]},
                           [("WWW-Authenticate", 'Basic realm="berth-token-issuer"')])
                return
            # Scopes come as repeated parameters and/or space separated in one.
            scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
            self.reply(200, issuer.issue(service, scopes, user))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.reply(404, {"errors": [{"code": "NOT_FOUND",
                                         "message": "OAuth2 POST is not supported"}]})

        def log_message(self, format, *args):
            sys.stderr.write("%s %s\n" % (self.log_date_time_string(), format % args))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert-file", required=True)
    parser.add_argument("--log-file", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-env", required=True,
                        help="name of the environment variable holding the password")
    parser.add_argument("--lifetime", type=int, default=300,
                        help="seconds the registry accepts a token (leeway included)")
    parser.add_argument("--advertised-expires-in", type=int, default=300)
    parser.add_argument("--deny-catalog", action="store_true",
                        help="grant no registry:catalog:* scope, so the catalog is refused")
    parser.add_argument("--leeway", type=int, default=60,
                        help="the registry's clock-skew leeway that exp/nbf compensate")
    args = parser.parse_args()

    password = os.environ.get(args.password_env)
    if password is None:
        sys.exit("token_issuer: environment variable %s is not set" % args.password_env)
    issuer = Issuer(args, password)
    open(args.log_file, "a", encoding="utf-8").close()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(issuer))
    server.daemon_threads = True
    write_atomically(args.port_file, str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
