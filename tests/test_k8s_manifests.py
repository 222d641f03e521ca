"""deploy/k8s: hardened pods with probes and resources, settings that exist, traffic only along proxy -> api -> redis."""

import re
from pathlib import Path

import pytest
import yaml

from service.config import Config

ROOT = Path(__file__).parents[1]
K8S = ROOT / "deploy" / "k8s"
KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
MANIFESTS = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
DOCS = [doc for name in MANIFESTS for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
NAMESPACE = "sciatica"


def find(kind: str, name: str) -> dict:
    """The one manifest of this kind and name."""
    found = [d for d in DOCS if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} manifests"
    return found[0]


DEPLOYMENTS = sorted(d["metadata"]["name"] for d in DOCS if d["kind"] == "Deployment")
CONTAINERS = [
    (d, c["name"]) for d in DEPLOYMENTS for c in find("Deployment", d)["spec"]["template"]["spec"]["containers"]
]


def pod(deployment: str) -> dict:
    """The pod spec of a Deployment."""
    return find("Deployment", deployment)["spec"]["template"]["spec"]


def container(deployment: str, name: str) -> dict:
    """One container of a Deployment."""
    return next(c for c in pod(deployment)["containers"] if c["name"] == name)


def test_kustomization_lists_every_manifest_and_generates_the_nginx_config_from_deploy():
    assert sorted(KUSTOMIZATION["resources"]) == MANIFESTS
    (generator,) = KUSTOMIZATION["configMapGenerator"]
    assert generator["name"] == "nginx-conf" and generator["files"] == ["nginx.conf=../nginx.conf"]
    assert (K8S / "../nginx.conf").exists()
    assert {v["configMap"]["name"] for v in pod("proxy")["volumes"] if "configMap" in v} == {"nginx-conf"}


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_lives_in_the_namespace(doc):
    assert doc["apiVersion"] and doc["metadata"]["name"]
    if doc["kind"] != "Namespace":
        assert doc["metadata"]["namespace"] == NAMESPACE


def test_the_namespace_enforces_the_restricted_pod_security_standard():
    labels = find("Namespace", NAMESPACE)["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
def test_pods_run_non_root_with_runtime_default_seccomp_and_no_service_account_token(deployment):
    spec = pod(deployment)
    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] > 0
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize(("deployment", "name"), CONTAINERS)
def test_containers_are_read_only_unprivileged_and_drop_all_capabilities(deployment, name):
    context = container(deployment, name)["securityContext"]
    assert context["runAsNonRoot"] is True and context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False and context["privileged"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize(("deployment", "name"), CONTAINERS)
def test_containers_have_probes_resources_and_pinned_images(deployment, name):
    spec = container(deployment, name)
    assert spec["readinessProbe"] and spec["livenessProbe"]
    for bound in ("requests", "limits"):
        assert set(spec["resources"][bound]) == {"cpu", "memory"}, f"{bound} of cpu and memory"
    assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", spec["image"]), "a version tag, never latest"


@pytest.mark.parametrize(("deployment", "name"), CONTAINERS)
def test_containers_write_only_to_empty_dirs(deployment, name):
    volumes = {v["name"]: v for v in pod(deployment)["volumes"]}
    for mount in container(deployment, name)["volumeMounts"]:
        volume = volumes[mount["name"]]
        assert "emptyDir" in volume or mount.get("readOnly") is True, mount["mountPath"]
        if "emptyDir" in volume:
            assert volume["emptyDir"]["sizeLimit"], "a bounded scratch folder"


def test_the_api_runs_the_compose_image_as_the_dockerfile_user_with_tmp_for_gunicorn():
    api = container("api", "api")
    assert api["image"] == COMPOSE["services"]["api"]["image"]
    user = re.search(r"^USER (\d+):(\d+)$", (ROOT / "Dockerfile").read_text(), re.M)
    context = pod("api")["securityContext"]
    assert (str(context["runAsUser"]), str(context["runAsGroup"])) == user.groups()
    env = {e["name"]: e for e in api["env"]}
    assert env["WORKER_TMP_DIR"]["value"] == "/tmp"
    assert {m["mountPath"] for m in api["volumeMounts"]} == {"/tmp"}


def test_the_api_probes_the_health_routes(app):
    api = container("api", "api")
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready" in routes
    assert api["livenessProbe"]["httpGet"]["path"] == "/health/live" in routes
    assert api["startupProbe"]["httpGet"]["path"] in routes


def test_the_api_keeps_two_replicas_autoscales_on_cpu_and_survives_disruption():
    assert find("Deployment", "api")["spec"]["replicas"] >= 2
    hpa = find("HorizontalPodAutoscaler", "api")
    assert hpa["apiVersion"] == "autoscaling/v2" and hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    pdb = find("PodDisruptionBudget", "api")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"] == find("Deployment", "api")["spec"]["selector"]["matchLabels"]


APP_ONLY = {"API_TITLE", "API_VERSION"}  # and OPENAPI_*: the API's own description, not a deployment's choice
SETTINGS = {k: v for k, v in vars(Config).items() if k.isupper() and k not in APP_ONLY and not k.startswith("OPENAPI_")}
CONFIG = find("ConfigMap", "api-config")["data"]


@pytest.mark.parametrize("key", sorted(CONFIG))
def test_the_config_map_holds_only_settings_of_config_with_values_of_their_type(key):
    setting = key.removeprefix("SCIATICA_")
    assert key.startswith("SCIATICA_") and setting in SETTINGS, f"{key}: not a setting of service/config.py"
    if isinstance(SETTINGS[setting], int):
        int(CONFIG[key])


def test_the_config_map_shares_limits_and_replay_memory_through_redis_behind_one_proxy():
    assert CONFIG["SCIATICA_PROXY_HOPS"] == "1"
    assert CONFIG["SCIATICA_RATE_LIMIT_STORAGE_URI"] == "redis://redis:6379"
    (port,) = find("Service", "redis")["spec"]["ports"]
    assert port["port"] == 6379


def test_api_keys_come_from_a_secret_never_the_config_map():
    assert not {"SCIATICA_API_KEYS", "SCIATICA_API_KEYS_FILE"} & set(CONFIG)
    env = {e["name"]: e for e in container("api", "api")["env"]}
    assert env["SCIATICA_API_KEYS"]["valueFrom"]["secretKeyRef"]["key"] == "SCIATICA_API_KEYS"
    assert [s["configMapRef"]["name"] for s in container("api", "api")["envFrom"]] == ["api-config"]


@pytest.mark.parametrize("name", ["api", "proxy", "redis"])
def test_services_select_their_deployment_pods(name):
    selector = find("Service", name)["spec"]["selector"]
    labels = find("Deployment", name)["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()


def test_nginx_upstream_is_the_api_service():
    upstream = re.search(r"upstream api \{[^}]*?server (\S+):(\d+)", (ROOT / "deploy" / "nginx.conf").read_text())
    (port,) = find("Service", "api")["spec"]["ports"]
    assert upstream.groups() == ("api", str(port["port"]))


def peers(policy: dict, direction: str) -> list:
    """The app names a policy admits in one direction ("from" or "to"); None for a rule open to any peer."""
    rules = policy["spec"].get("ingress" if direction == "from" else "egress", [])
    found = []
    for rule in rules:
        for peer in rule.get(direction) or [None]:
            found.append(peer and peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name"))
    return found


def test_network_policies_deny_by_default_and_admit_only_proxy_to_api_to_redis():
    default = find("NetworkPolicy", "default-deny")["spec"]
    assert default["podSelector"] == {} and set(default["policyTypes"]) == {"Ingress", "Egress"}
    assert peers(find("NetworkPolicy", "api"), "from") == ["proxy"]
    assert peers(find("NetworkPolicy", "redis"), "from") == ["api"]
    assert peers(find("NetworkPolicy", "redis"), "to") == []
    assert "redis" in peers(find("NetworkPolicy", "api"), "to")
    assert "api" in peers(find("NetworkPolicy", "proxy"), "to")
