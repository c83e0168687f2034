#!/usr/bin/python3
"""Test-side signer: writes cosign's accessory layouts into a registry, independent of Berth.

Debian's skopeo and podman are built without sigstore, so the tests sign here, with
python3-cryptography, and push over the registry API with scripts/seed-registry's client.

Usage:
  cosign_signer.py --registry 127.0.0.1:PORT [--tls --ca-file CA.pem]
                   [--username USER --password-env VAR] SPEC.json

SPEC.json:
  {"repository": "acme/api",
   "signatures": [{"subject": "sha256:...", "key": "private.pem",
                   "reference": "127.0.0.1:PORT/acme/api",
                   "signedDigest": "sha256:...",   # default: subject
                   "corrupt": false,               # flip one byte of the signature
                   "certificate": "leaf.pem", "chain": "chain.pem",     # optional
                   "bundle": {"logKey": "rekor-key.pem",                # optional
                              "integratedTime": 1767225600, "logIndex": 7,
                              "corrupt": false, "otherSignature": false}}],
   "attestations": [{"subject": "sha256:...", "key": "private.pem",
                     "predicateType": "https://slsa.dev/provenance/v1",
                     "predicate": {...}}],
   "sboms": [{"subject": "sha256:...", "document": {...}}],
   "referrers": [{"subject": "sha256:...", "kind": "signature",   # or "sbom"
                  ...a signature's fields for "signature", "document" for "sbom"...,
                  "fallbackTag": true}]}

Signatures and attestations of one subject go into one manifest, one layer each, as
cosign appends them: tag sha256-<hex>.sig, .att; an SBOM goes under sha256-<hex>.sbom.
The key decides the algorithm: ECDSA (P-256, P-384) signs with SHA-256, RSA with
PKCS#1 v1.5 and SHA-256, Ed25519 the message itself.

A referrer is one OCI 1.1 artifact whose manifest names its subject (the subject's media
type and size read from the registry), pushed by digest with no tag: a signature as
cosign's --registry-referrers-mode=oci-1-1 writes it (config media type
application/vnd.dev.cosign.artifact.sig.v1+json, one simple-signing layer, no top-level
artifactType), an SBOM with artifactType application/spdx+json over the empty config.
The referrers of a subject that ask for "fallbackTag" are also listed, as the spec's
fallback for registries without the referrers API has a client do, in an image index
under the tag sha256-<hex>.

A signature's "bundle" stands in for Rekor (keys from tests/support/keyless_pki.py): it
needs "certificate" and adds the dev.sigstore.cosign/bundle annotation, compact JSON in
cosign's layout:
  {"SignedEntryTimestamp": "<base64 SET>",
   "Payload": {"body": "<base64 body>", "integratedTime": N, "logIndex": N,
               "logID": "<hex SHA-256 of the log key's DER SubjectPublicKeyInfo>"}}
The body is a hashedrekord entry: the SHA-256 of the simple-signing payload, the signature
(base64, as in the signature annotation) and the certificate's PEM (base64). The SET is the
log key's ECDSA P-256 SHA-256 signature (DER) over the Payload's canonical JSON (sorted
keys, no whitespace: body, integratedTime, logID, logIndex). "logIndex" defaults to 0;
"corrupt" flips one byte of the SET; "otherSignature" puts a different signature (the
last byte flipped) in the body, so the entry does not describe this one.

Prints {"signatures": [{"subject", "tag", "manifestDigest", "signed", "signature"}],
"attestations": [...the same...], "sboms": [{"subject", "tag", "manifestDigest"}],
"referrers": [{"subject", "kind", "manifestDigest", "artifactType"} and, for a signature,
"signed" and "signature"]}:
"signed" is what the signature covers (the simple-signing payload, or the envelope's DSSE
pre-authentication encoding), both in base64, so a test can check each with the openssl
command line. A signature with a bundle also has "setSigned" (the canonical Payload) and
"set" (the SET as written), both in base64, for
  openssl dgst -sha256 -verify rekor.pub -signature SET.der SETSIGNED.bin
Exits 1 with one line on stderr on any failure.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_REGISTRY = os.path.join(HERE, "..", "..", "scripts", "seed-registry")

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
SPDX_JSON = "text/spdx+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
COSIGN_SIGNATURE_ARTIFACT = "application/vnd.dev.cosign.artifact.sig.v1+json"
SPDX_ARTIFACT = "application/spdx+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate"
CHAIN_ANNOTATION = "dev.sigstore.cosign/chain"
BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle"


def load_seed_registry():
    loader = importlib.machinery.SourceFileLoader("seed_registry", SEED_REGISTRY)
    spec = importlib.util.spec_from_loader("seed_registry", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def load_private_key(key_file):
    with open(key_file, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def sign(key_file, message):
    key = load_private_key(key_file)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    raise ValueError("%s: unsupported key type" % key_file)


def sign_entry(entry, message):
    """The entry's signature over `message`, one byte flipped when it asks to be corrupt."""
    signature = sign(entry["key"], message)
    if not entry.get("corrupt"):
        return signature
    return flip_byte(signature, len(signature) // 2)


def flip_byte(data, index):
    flipped = bytearray(data)
    flipped[index] ^= 0x01
    return bytes(flipped)


def b64(data):
    return base64.b64encode(data).decode()


def hashedrekord(payload, signature, certificate_pem):
    """The Rekor entry body that records `signature` over `payload` by the certificate."""
    return {
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256",
                              "value": hashlib.sha256(payload).hexdigest()}},
            "signature": {"content": b64(signature),
                          "publicKey": {"content": b64(certificate_pem)}},
        },
    }


def make_bundle(bundle, payload, signature, certificate_pem):
    """cosign's bundle annotation for `signature`, and the SET's message and bytes.

    `bundle` is the spec's object: logKey, integratedTime, logIndex, corrupt,
    otherSignature."""
    log_key = load_private_key(bundle["logKey"])
    if not isinstance(log_key, ec.EllipticCurvePrivateKey):
        raise ValueError("%s: the log key must be ECDSA" % bundle["logKey"])
    log_public = log_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if bundle.get("otherSignature"):
        signature = flip_byte(signature, -1)
    body = json.dumps(hashedrekord(payload, signature, certificate_pem),
                      separators=(",", ":")).encode()
    rekor_payload = {
        "body": b64(body),
        "integratedTime": int(bundle["integratedTime"]),
        "logIndex": int(bundle.get("logIndex", 0)),
        "logID": hashlib.sha256(log_public).hexdigest(),
    }
    set_signed = canonical(rekor_payload)
    entry_timestamp = log_key.sign(set_signed, ec.ECDSA(hashes.SHA256()))
    if bundle.get("corrupt"):
        entry_timestamp = flip_byte(entry_timestamp, len(entry_timestamp) // 2)
    annotation = json.dumps({"SignedEntryTimestamp": b64(entry_timestamp),
                             "Payload": rekor_payload}, separators=(",", ":"))
    return annotation, set_signed, entry_timestamp


def pae(payload_type, body):
    """DSSE's pre-authentication encoding: what an envelope's signature covers."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def subject_tag(subject, suffix):
    algorithm, hex_digest = subject.split(":", 1)
    return "%s-%s.%s" % (algorithm, hex_digest, suffix)


def by_subject(entries):
    grouped = {}
    for entry in entries:
        grouped.setdefault(entry["subject"], []).append(entry)
    return grouped


class Signer:
    def __init__(self, seeder, pool):
        self.seeder = seeder
        self.pool = pool
        # Two threads pushing the same bytes at once (one payload signed for two subjects)
        # race in the registry: the second can see the blob before its upload is committed
        # and its manifest is refused. Each digest is pushed by one thread at a time.
        self.blob_locks = {}
        self.blob_locks_guard = threading.Lock()

    def push_blob(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with self.blob_locks_guard:
            lock = self.blob_locks.setdefault(digest, threading.Lock())
        with lock:
            return self.seeder.push_blob(data)

    def push_manifest(self, tag, layers):
        """One OCI manifest over `layers` (blob bytes, media type, annotations)."""
        descriptors = []
        for data, media_type, annotations in layers:
            digest = self.push_blob(data)
            descriptor = {"mediaType": media_type, "size": len(data), "digest": digest}
            if annotations:
                descriptor["annotations"] = annotations
            descriptors.append(descriptor)
        config = canonical({
            "architecture": "", "os": "", "config": {},
            "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descriptors]},
        })
        manifest = canonical({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config),
                       "digest": self.push_blob(config)},
            "layers": descriptors,
        })
        self.seeder.put_manifest(tag, manifest, OCI_MANIFEST)
        return "sha256:" + hashlib.sha256(manifest).hexdigest()

    def signed_accessories(self, entries, suffix, make_layer):
        """One manifest per subject under sha256-<hex>.<suffix>, a layer per entry."""
        def push(subject_and_group):
            subject, group = subject_and_group
            tag = subject_tag(subject, suffix)
            made = [make_layer(subject, entry) for entry in group]
            manifest_digest = self.push_manifest(tag, [layer for layer, _, _, _ in made])
            return [dict({"subject": subject, "tag": tag, "manifestDigest": manifest_digest,
                          "signed": b64(message), "signature": b64(signature)}, **extra)
                    for _, message, signature, extra in made]
        results = []
        for group_results in self.pool.map(push, by_subject(entries).items()):
            results.extend(group_results)
        return results

    @staticmethod
    def signature_layer(subject, entry):
        payload = canonical({
            "critical": {
                "identity": {"docker-reference": entry["reference"]},
                "image": {"docker-manifest-digest": entry.get("signedDigest", subject)},
                "type": "cosign container image signature",
            },
            "optional": None,
        })
        signature = sign_entry(entry, payload)
        annotations = {SIGNATURE_ANNOTATION: b64(signature)}
        for key, annotation in (("certificate", CERTIFICATE_ANNOTATION),
                                ("chain", CHAIN_ANNOTATION)):
            if entry.get(key):
                with open(entry[key], encoding="ascii") as f:
                    annotations[annotation] = f.read()
        extra = {}
        if entry.get("bundle"):
            if CERTIFICATE_ANNOTATION not in annotations:
                raise ValueError("a bundle needs the signature's certificate")
            annotation, set_signed, entry_timestamp = make_bundle(
                entry["bundle"], payload, signature,
                annotations[CERTIFICATE_ANNOTATION].encode("ascii"))
            annotations[BUNDLE_ANNOTATION] = annotation
            extra = {"setSigned": b64(set_signed), "set": b64(entry_timestamp)}
        return (payload, SIMPLE_SIGNING, annotations), payload, signature, extra

    @staticmethod
    def attestation_layer(subject, entry):
        algorithm, hex_digest = subject.split(":", 1)
        statement = canonical({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": entry.get("name", "image"), "digest": {algorithm: hex_digest}}],
            "predicateType": entry["predicateType"],
            "predicate": entry.get("predicate", {}),
        })
        message = pae(IN_TOTO, statement)
        signature = sign_entry(entry, message)
        envelope = canonical({
            "payloadType": IN_TOTO,
            "payload": b64(statement),
            "signatures": [{"keyid": "", "sig": b64(signature)}],
        })
        annotations = {SIGNATURE_ANNOTATION: "", "predicateType": entry["predicateType"]}
        return (envelope, DSSE_ENVELOPE, annotations), message, signature, {}

    def subject_descriptor(self, subject):
        """The subject's media type, digest and size, as the registry holds it."""
        accept = ", ".join([OCI_INDEX, OCI_MANIFEST,
                            "application/vnd.docker.distribution.manifest.list.v2+json",
                            "application/vnd.docker.distribution.manifest.v2+json"])
        response, data = self.seeder.registry.request(
            "GET", "/v2/%s/manifests/%s" % (self.seeder.repository, subject),
            headers={"Accept": accept})
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return {"mediaType": media_type, "digest": subject, "size": len(data)}

    def referrer(self, entry):
        """One referrer manifest pushed by digest; its descriptor and what the test needs."""
        subject = self.subject_descriptor(entry["subject"])
        kind = entry.get("kind", "signature")
        answer = {"subject": entry["subject"], "kind": kind}
        if kind == "signature":
            (payload, media_type, annotations), message, signature, _ = \
                Signer.signature_layer(entry["subject"], entry)
            layer = {"mediaType": media_type, "size": len(payload),
                     "digest": self.push_blob(payload), "annotations": annotations}
            config = b"{}"
            config_type = COSIGN_SIGNATURE_ARTIFACT
            artifact_type = None
            answer.update({"signed": b64(message), "signature": b64(signature)})
        elif kind == "sbom":
            document = canonical(entry.get("document", {"spdxVersion": "SPDX-2.3"}))
            layer = {"mediaType": SPDX_JSON, "size": len(document),
                     "digest": self.push_blob(document)}
            config = b"{}"
            config_type = OCI_EMPTY
            artifact_type = SPDX_ARTIFACT
        else:
            raise ValueError("unknown referrer kind %r" % kind)
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": config_type, "size": len(config),
                       "digest": self.push_blob(config)},
            "layers": [layer],
            "subject": subject,
        }
        if artifact_type:
            manifest["artifactType"] = artifact_type
        data = canonical(manifest)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.seeder.put_manifest(digest, data, OCI_MANIFEST)
        answer.update({"manifestDigest": digest, "artifactType": artifact_type or config_type})
        descriptor = {"mediaType": OCI_MANIFEST, "digest": digest, "size": len(data),
                      "artifactType": artifact_type or config_type}
        return answer, descriptor

    def referrers(self, entries):
        results = []
        for subject, group in by_subject(entries).items():
            listed = []
            for entry in group:
                answer, descriptor = self.referrer(entry)
                results.append(answer)
                if entry.get("fallbackTag"):
                    listed.append(descriptor)
            if listed:
                index = canonical({"schemaVersion": 2, "mediaType": OCI_INDEX,
                                   "manifests": listed})
                self.seeder.put_manifest(subject.replace(":", "-"), index, OCI_INDEX)
        return results

    def sboms(self, entries):
        results = []
        for entry in entries:
            tag = subject_tag(entry["subject"], "sbom")
            document = canonical(entry.get("document", {"spdxVersion": "SPDX-2.3"}))
            manifest_digest = self.push_manifest(tag, [(document, SPDX_JSON, None)])
            results.append({"subject": entry["subject"], "tag": tag,
                            "manifestDigest": manifest_digest})
        return results


def main():
    parser = argparse.ArgumentParser(description="Push cosign-format accessories.")
    parser.add_argument("--registry", required=True, help="host:port")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--ca-file")
    parser.add_argument("--username")
    parser.add_argument("--password-env")
    parser.add_argument("spec")
    args = parser.parse_args()

    seed_registry = load_seed_registry()
    try:
        password = os.environ.get(args.password_env) if args.password_env else None
        with open(args.spec, encoding="utf-8") as f:
            spec = json.load(f)
        registry = seed_registry.Registry(args.registry, args.tls, args.ca_file, args.username,
                                          password)
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            signer = Signer(seed_registry.Seeder(registry, spec["repository"]), pool)
            answer = {
                "signatures": signer.signed_accessories(spec.get("signatures") or [], "sig",
                                                        Signer.signature_layer),
                "attestations": signer.signed_accessories(spec.get("attestations") or [], "att",
                                                          Signer.attestation_layer),
                "sboms": signer.sboms(spec.get("sboms") or []),
                "referrers": signer.referrers(spec.get("referrers") or []),
            }
        json.dump(answer, sys.stdout, indent=1)
        sys.stdout.write("\n")
    except (seed_registry.SeedError, OSError, ValueError, KeyError) as error:
        sys.stderr.write("cosign_signer: error: %s\n" % error)
        sys.exit(1)


if __name__ == "__main__":
    main()
