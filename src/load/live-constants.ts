/** Live-mode defaults, as istioctl has them (no execa here: flag help reads them at start-up). */

/** istioctl's DefaultProxyAdminPort (istioctl/pkg/util/constants.go). */
export const DEFAULT_PROXY_ADMIN_PORT = 15000;

/** istioctl's default -i/--istioNamespace. */
export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

/**
 * The only ports `pilot-agent request --debug-port` may reach (pilot/cmd/pilot-agent/app/request.go,
 * `allowedPorts`): another admin port can be read through istioctl's port-forward only.
 */
export const PILOT_AGENT_PORTS = [15000, 15004, 15020, 15021];
