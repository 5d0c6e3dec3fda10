// `make schemas-check`: registers every topic's value schema in the real registry under
// BACKWARD compatibility and exits non-zero when a schema change is incompatible.
import { meshSubjects, registerSchemas } from './register-schemas';

const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

registerSchemas(registryUrl, meshSubjects())
  .then((registered) => {
    for (const { subject, id } of registered) console.log(`[schemas] ${subject} -> id ${id}`);
    console.log(`[schemas] ${registered.length} subjects registered, all BACKWARD compatible`);
  })
  .catch((error: Error) => {
    console.error(`[schemas] ${error.message}`);
    process.exit(1);
  });
