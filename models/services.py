"""The blocks Nomad's registration hooks read: service, connect, vault, template, consul.

Only what changes placement is kept: which provider and Consul cluster a service uses, whether
it is a Connect sidecar, native service or gateway (and the sidecar task it asks for), and the
signals a task needs (``kill_signal``, template and vault ``change_signal``). Defaults are the
canonical ones (``Service.Canonicalize``, ``Vault.Canonicalize``, api ``SidecarTask``).
"""

from typing import Any

from pydantic import AliasChoices, Field

from .base import NomadModel, StringMap, empty_dict, empty_list
from .resources import Resources


class ServiceCheck(NomadModel):
    name: str = ""
    type: str = ""
    path: str = ""
    port_label: str = Field("", validation_alias=AliasChoices("PortLabel", "port_label", "port"))
    expose: bool = False


class TransparentProxy(NomadModel):
    """``transparent_proxy {}``: its presence is what ``RequiredTransparentProxy`` reads."""

    no_dns: bool = Field(
        False, validation_alias=AliasChoices("NoDNS", "no_dns"), serialization_alias="NoDNS"
    )


class ConsulProxy(NomadModel):
    transparent_proxy: TransparentProxy | None = None


class SidecarService(NomadModel):
    port: str = ""
    proxy: ConsulProxy | None = None


class SidecarTask(NomadModel):
    """``connect.sidecar_task``: merged into the injected proxy task (``MergeIntoTask``).

    Its ``resources`` default to 100 MHz / 300 MB: the api client canonicalizes a sidecar_task
    block with ``DefaultResources`` before the server merges it (api/consul.go
    ``SidecarTask.Canonicalize``), so writing the block replaces the proxy's 250/128.
    """

    name: str = ""
    driver: str = ""
    config: dict[str, Any] = Field(default_factory=empty_dict)
    meta: StringMap = Field(default_factory=empty_dict)
    resources: Resources = Field(default_factory=Resources)
    kill_signal: str = ""


class GatewayTLS(NomadModel):
    enabled: bool = False
    tls_min_version: str = Field(
        "",
        validation_alias=AliasChoices("TLSMinVersion", "tls_min_version"),
        serialization_alias="TLSMinVersion",
    )
    tls_max_version: str = Field(
        "",
        validation_alias=AliasChoices("TLSMaxVersion", "tls_max_version"),
        serialization_alias="TLSMaxVersion",
    )
    cipher_suites: list[str] = Field(default_factory=empty_list)


class IngressGateway(NomadModel):
    tls: GatewayTLS | None = Field(
        None, validation_alias=AliasChoices("TLS", "tls"), serialization_alias="TLS"
    )


class Gateway(NomadModel):
    """Exactly one of ingress, terminating or mesh (``ConsulGateway``)."""

    ingress: IngressGateway | None = None
    terminating: dict[str, Any] | None = None
    mesh: dict[str, Any] | None = None

    def prefix(self) -> str:
        """``ConsulGateway.Prefix``: the injected task's name prefix and kind."""
        if self.mesh is not None:
            return "connect-mesh"
        if self.ingress is not None:
            return "connect-ingress"
        return "connect-terminating"


class Connect(NomadModel):
    native: bool = False
    sidecar_service: SidecarService | None = None
    sidecar_task: SidecarTask | None = None
    gateway: Gateway | None = None

    def has_sidecar(self) -> bool:
        return self.sidecar_service is not None

    def has_transparent_proxy(self) -> bool:
        service = self.sidecar_service
        return (
            service is not None
            and service.proxy is not None
            and (service.proxy.transparent_proxy is not None)
        )

    def customized_tls(self) -> bool:
        """``IsCustomizedTLS``: an ingress gateway setting a TLS version or cipher suites."""
        ingress = self.gateway.ingress if self.gateway else None
        tls = ingress.tls if ingress else None
        return tls is not None and bool(
            tls.tls_min_version or tls.tls_max_version or tls.cipher_suites
        )


class Service(NomadModel):
    """A group or task ``service``; an empty provider is Consul (``Service.IsConsul``)."""

    name: str = ""
    provider: str = ""
    cluster: str = ""
    port_label: str = Field("", validation_alias=AliasChoices("PortLabel", "port_label", "port"))
    task_name: str = Field("", validation_alias=AliasChoices("TaskName", "task_name", "task"))
    checks: list[ServiceCheck] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Checks", "checks", "check")
    )
    connect: Connect | None = None

    def is_consul(self) -> bool:
        return self.provider in ("consul", "")


class Template(NomadModel):
    change_mode: str = "restart"
    change_signal: str = ""


class Vault(NomadModel):
    cluster: str = ""
    change_mode: str = "restart"
    change_signal: str = ""


class ConsulBlock(NomadModel):
    """A group or task ``consul`` block: which cluster, and the admin partition."""

    cluster: str = ""
    partition: str = ""
    namespace: str = ""
