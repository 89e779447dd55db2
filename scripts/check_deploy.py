#!/usr/bin/env python3
"""Validates the deploy/ files offline: every YAML and JSON parses; Kubernetes objects carry
apiVersion, kind and metadata; Deployments have resource requests and limits, probes and a
grace period longer than the workers' drain; KEDA triggers name queues and Deployments that
exist; compose services have an image or a build; the RabbitMQ definitions are well formed.
Exits non-zero with one line per problem."""

import json
import pathlib
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent / "deploy"
problems = []
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
        if kind == "Deployment":
            deployments.add(name)
            spec = doc["spec"]["template"]["spec"]
            if spec.get("terminationGracePeriodSeconds", 30) < 55:
                problems.append(f"{path.name}: {name} grace period shorter than the drain")
            for c in spec["containers"]:
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
        queue = trigger["metadata"].get("queueName")
        if queue not in queues:
            problems.append(f"{file}: trigger on unknown queue {queue}")

compose = yaml.safe_load((root / "compose.yaml").read_text())
for name, service in compose["services"].items():
    if "image" not in service and "build" not in service:
        problems.append(f"compose.yaml: service {name} has no image or build")
dockerfile = (root / "Dockerfile").read_text()
if dockerfile.count("FROM ") < 2:
    problems.append("Dockerfile: not a multi-stage build")

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"deploy/: {len(deployments)} deployments, {len(scaled)} scaled objects, {len(queues)} queues checked")
