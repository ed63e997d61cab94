package dev.pier.control.store;

import java.util.List;
import java.util.Map;

/**
 * A zone with everything the edge runs of it, as {@link Store#zoneContents()} reads them all
 * at once.
 *
 * @param settings the settings it changed from their defaults, by id
 */
public record StoredZoneContents(StoredZone zone, Map<String, StoredSetting> settings, List<StoredDnsRecord> dnsRecords,
                                 List<StoredCertificate> certificates, List<StoredRuleset> rulesets,
                                 List<StoredWorkerRoute> workerRoutes) {

    public StoredZoneContents {
        settings = Map.copyOf(settings);
        dnsRecords = List.copyOf(dnsRecords);
        certificates = List.copyOf(certificates);
        rulesets = List.copyOf(rulesets);
        workerRoutes = List.copyOf(workerRoutes);
    }
}
