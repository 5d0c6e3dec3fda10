import { chaosKafka } from './topic-scan';

/** One member of a consumer group, as the group coordinator describes it. */
export interface GroupMember {
  /** The member's client.id: the service's name. */
  clientId: string;
  /** group.instance.id (KAFKA_INSTANCE_ID): tells the replicas of one service apart. */
  instanceId: string | undefined;
  /** Partitions assigned to it, across the group's topics. */
  partitions: number;
}

/** Every consumer group of `service` (its members' client.id is the service's name) with its members now. */
export type ServiceGroups = Map<string, GroupMember[]>;

/** The consumer groups the service's processes are members of, with each member's share of the partitions. */
export async function groupsOf(brokers: string, service: string): Promise<ServiceGroups> {
  const admin = chaosKafka(brokers, 'chaos-groups').admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const result: ServiceGroups = new Map();
    // Services that have only just started may not have joined any group yet.
    if (groups.length === 0) return result;
    const { groups: described } = await admin.describeGroups(groups.map((g) => g.groupId));
    for (const group of described) {
      const members = group.members
        .filter((m) => m.clientId === service)
        .map((m) => ({ clientId: m.clientId, instanceId: m.groupInstanceId ?? undefined, partitions: m.assignment?.topicPartitions?.length ?? 0 }));
      if (members.length > 0) result.set(group.groupId, members);
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

/** "decision: 12+12" per group: how the partitions are spread over the members. */
export function describeSpread(groups: ServiceGroups): string {
  return [...groups].map(([group, members]) => `${group}: ${members.map((m) => m.partitions).join('+')}`).join(', ');
}

/** True when every group has exactly `replicas` members and each holds at least one partition. */
export function spreadOverAll(groups: ServiceGroups, replicas: number): boolean {
  return groups.size > 0 && [...groups.values()].every((members) => members.length === replicas && members.every((m) => m.partitions > 0));
}
