/** Injection token of the service's name (also its Kafka clientId and metrics label). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
