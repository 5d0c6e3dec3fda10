import './tracing';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bootstrapService } from '@claims-mesh/platform';
import { IngestModule } from './ingest.module';
import { SERVICE } from './service';

/** OpenAPI document at /docs-json and the Swagger page at /docs. */
function serveApiDocs(app: INestApplication): void {
  const document = new DocumentBuilder()
    .setTitle('Claims mesh ingest API')
    .setDescription('Submit warranty and insurance claims; each is written to Kafka (claims.submitted.v1) before the 202.')
    .setVersion('1')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document));
}

void bootstrapService(IngestModule, SERVICE, serveApiDocs);
