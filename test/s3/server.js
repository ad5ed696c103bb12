// Runs @20minutes/s3rver on 127.0.0.1 for hdl's S3 tests. Unlike plain s3rver it checks SigV4
// signatures, so a signer bug shows up as SignatureDoesNotMatch instead of passing silently.
// Usage: node server.js <data-dir> <port-file>; credentials come from HDL_S3_ACCESS_KEY and
// HDL_S3_SECRET_KEY. The chosen port (0 = any free port) is written to <port-file> once listening.
'use strict';

const fs = require('fs');
const S3rver = require('@20minutes/s3rver');
const AWSAccount = require('@20minutes/s3rver/lib/models/account');

const [dataDir, portFile] = process.argv.slice(2);
const accessKey = process.env.HDL_S3_ACCESS_KEY;
const secretKey = process.env.HDL_S3_SECRET_KEY;
if (!dataDir || !portFile || !accessKey || !secretKey) {
	console.error('usage: HDL_S3_ACCESS_KEY=.. HDL_S3_SECRET_KEY=.. node server.js <data-dir> <port-file>');
	process.exit(2);
}

// Only our key pair is valid: drop the built-in S3RVER/S3RVER pair.
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);

const server = new S3rver({
	address: '127.0.0.1',
	port: Number(process.env.HDL_S3_PORT || 0),
	directory: dataDir,
	silent: process.env.HDL_S3_VERBOSE !== '1',
	// <bucket>.s3.localhost:<port> reaches the bucket in virtual-hosted style.
	serviceEndpoint: 'localhost',
});

server.run().then(
	({ port }) => {
		fs.writeFileSync(portFile + '.tmp', String(port));
		fs.renameSync(portFile + '.tmp', portFile);
	},
	(err) => {
		console.error('s3rver failed to start:', err.message);
		process.exit(1);
	},
);

for (const signal of ['SIGTERM', 'SIGINT']) {
	process.on(signal, () => server.close().finally(() => process.exit(0)));
}
