#!/usr/bin/env python3
"""Validates the deploy/ files offline: every YAML and JSON parses; Kubernetes objects carry
apiVersion, kind and metadata; Deployments have resource requests and limits, probes and a
grace period longer than the workers' drain; KEDA triggers name queues and Deployments that
exist; compose services have an image or a build; the RabbitMQ definitions are well formed.
Also (issue 14): no Secret in the applied manifests (they would overwrite the real one with
placeholders), no `:latest` or untagged image, seccomp RuntimeDefault on every pod, a
.dockerignore that keeps target/ out of the build context, and Prometheus alert rules that
parse and name only metrics the workers export. Exits non-zero with one line per problem."""

import json
import pathlib
import re
import sys

import yaml

repo = pathlib.Path(__file__).resolve().parent.parent
root = repo / "deploy"
problems = []


def check_image(where, image):
    """An image must carry a version tag (or a digest), never :latest."""
    if "@sha256:" in image:
        return
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag or tag == "latest" or not re.search(r"\d", tag):
        problems.append(f"{where}: image {image} is not pinned to a version")
definitions = json.loads((root / "rabbitmq" / "definitions.json").read_text())
queues = {q["name"] for q in definitions["queues"]}
for q in definitions["queues"]:
    if not q.get("durable"):
        problems.append(f"definitions: queue {q['name']} is not durable")
for b in definitions["bindings"]:
    if b["destination"] not in queues:
        problems.append(f"definitions: binding to unknown queue {b['destination']}")

deployments = set()
scaled = []
for path in sorted((root / "k8s").glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc is None:
            continue
        for key in ("apiVersion", "kind", "metadata"):
            if key not in doc:
                problems.append(f"{path.name}: object without {key}")
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        if kind == "Secret":
            problems.append(f"{path.name}: Secret {name} in the applied manifests (see deploy/secret.example.yaml)")
        if kind == "Deployment":
            deployments.add(name)
            spec = doc["spec"]["template"]["spec"]
            if spec.get("terminationGracePeriodSeconds", 30) < 55:
                problems.append(f"{path.name}: {name} grace period shorter than the drain")
            seccomp = spec.get("securityContext", {}).get("seccompProfile", {}).get("type")
            if seccomp != "RuntimeDefault":
                problems.append(f"{path.name}: {name} without seccompProfile RuntimeDefault")
            for c in spec["containers"]:
                check_image(f"{path.name}: {name}", c.get("image", ""))
                res = c.get("resources", {})
                if not res.get("requests") or not res.get("limits"):
                    problems.append(f"{path.name}: {name} without resource requests and limits")
                if "livenessProbe" not in c or "readinessProbe" not in c:
                    problems.append(f"{path.name}: {name} without probes")
        if kind == "ScaledObject":
            scaled.append((path.name, doc))
for file, doc in scaled:
    target = doc["spec"]["scaleTargetRef"]["name"]
    if target not in deployments:
        problems.append(f"{file}: ScaledObject targets unknown Deployment {target}")
    for trigger in doc["spec"]["triggers"]:
        meta = trigger["metadata"]
        queue = meta.get("queueName")
        if meta.get("useRegex") == "true":
            matched = [q for q in queues if re.fullmatch(queue, q)]
            if len(matched) < 2:
                problems.append(f"{file}: trigger regex {queue} matches {matched}")
        elif queue not in queues:
            problems.append(f"{file}: trigger on unknown queue {queue}")
        if meta.get("protocol") != "http":
            problems.append(f"{file}: trigger on {queue} counts ready messages only (protocol amqp)")

compose = yaml.safe_load((root / "compose.yaml").read_text())
for name, service in compose["services"].items():
    if "image" not in service and "build" not in service:
        problems.append(f"compose.yaml: service {name} has no image or build")
    # An image built here from the sources is named, not pulled: only pulled ones are pinned.
    if "image" in service and "build" not in service:
        check_image(f"compose.yaml: {name}", service["image"])
dockerfile = (root / "Dockerfile").read_text()
if dockerfile.count("FROM ") < 2:
    problems.append("Dockerfile: not a multi-stage build")
for line in dockerfile.splitlines():
    if line.startswith("FROM "):
        check_image("Dockerfile", line.split()[1])
dockerignore = repo / ".dockerignore"
if not dockerignore.is_file() or "target/" not in dockerignore.read_text().split():
    problems.append(".dockerignore missing or not excluding target/")

# Alert rules name only metrics the workers export (or RabbitMQ's).
metrics_source = (repo / "crates" / "dossier-fleet" / "src" / "metrics.rs").read_text()
exported = set(re.findall(r'name: "(dossier_[a-z_]+)"', metrics_source))
rules = 0
for doc in yaml.safe_load_all((root / "prometheus" / "alerts.yaml").read_text()):
    for group in doc["groups"]:
        for rule in group["rules"]:
            rules += 1
            for key in ("alert", "expr"):
                if key not in rule:
                    problems.append(f"alerts.yaml: rule without {key}")
            for metric in re.findall(r"\b(dossier_[a-z_]+)", rule.get("expr", "")):
                family = re.sub(r"_(bucket|sum|count)$", "", metric)
                if metric not in exported and family not in exported:
                    problems.append(f"alerts.yaml: {rule.get('alert')} uses unknown metric {metric}")
            for queue in re.findall(r'queue="([^"]+)"', rule.get("expr", "")):
                if queue not in queues:
                    problems.append(f"alerts.yaml: {rule.get('alert')} watches unknown queue {queue}")
yaml.safe_load((root / "prometheus" / "scrape.yaml").read_text())

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"deploy/: {len(deployments)} deployments, {len(scaled)} scaled objects, {len(queues)} queues, {rules} alert rules checked")
