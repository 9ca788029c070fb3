<?php
// The PHP peer of `ottpay decode` for scripts/bench.sh: what a PHP
// integration runs to decode a file of callback envelopes, one JSON
// envelope a line, read from standard input.
//
//   OTTPAY_SIGN_KEY=... php scripts/peer/decode_batch.php < batch10k.jsonl > reports.jsonl
//
// Per envelope, as the peer kit's php/ott_bench.php decodes: json_decode,
// the AES key from the md5 and the sign key, openssl_decrypt
// ('AES-128-ECB', Base64 in, PKCS#7 padding), json_decode of the
// plaintext, and the md5 of the values in key order checked against the
// envelope's. It prints one JSON line per envelope (its line number, the
// verdict and the decoded fields) and exits 1 if any envelope failed.
declare(strict_types=1);

const JSON_FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;

// The sign key comes from the environment, as ottpay decode reads it.
$signKey = (string)getenv('OTTPAY_SIGN_KEY');
if ($signKey === '') {
    fwrite(STDERR, "usage: OTTPAY_SIGN_KEY=KEY php decode_batch.php < envelopes.jsonl\n");
    exit(2);
}

function decode_envelope(string $text, string $signKey): array
{
    $env = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    $key = substr(strtoupper(md5($env['md5'] . $signKey)), 8, 16);
    $plain = openssl_decrypt($env['data'], 'AES-128-ECB', $key);
    if ($plain === false) {
        throw new RuntimeException('decrypt failed');
    }
    $fields = json_decode($plain, true, 512, JSON_THROW_ON_ERROR);
    $sorted = $fields;
    ksort($sorted, SORT_STRING);
    if (strtoupper(md5(implode('', $sorted))) !== $env['md5']) {
        throw new RuntimeException('md5 mismatch');
    }
    return $fields;
}

$failed = 0;
$n = 0;
while (($line = fgets(STDIN)) !== false) {
    $n++;
    $line = rtrim($line, "\r\n");
    if ($line === '') {
        continue;
    }
    try {
        $fields = decode_envelope($line, $signKey);
        echo json_encode(['line' => $n, 'verified' => true, 'data' => $fields], JSON_FLAGS), "\n";
    } catch (Throwable $e) {
        $failed++;
        echo json_encode(['line' => $n, 'error' => $e->getMessage()], JSON_FLAGS), "\n";
    }
}
exit($failed > 0 ? 1 : 0);
