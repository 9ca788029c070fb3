<?php
// Expectations of the php and strings rules, computed by PHP 8:
//   php gen.php > expect.php.json
// php:     json_decode($json, true), ksort (SORT_REGULAR), implode.
// strings: the documented scheme; only for all-string objects, keys in
//          byte order (ksort SORT_STRING).
error_reporting(E_ALL & ~E_WARNING);
$cases = json_decode(file_get_contents(__DIR__ . '/cases.json'), true);
$out = [];
foreach ($cases as $c) {
    $a = json_decode($c['json'], true, 512, JSON_THROW_ON_ERROR);
    $p = $a;
    ksort($p);
    $php = @implode('', $p);
    $e = ['php' => ['input' => $php, 'md5' => strtoupper(md5($php))]];
    $strs = array_filter($a, fn($v) => !is_string($v));
    if (count($strs) == 0) {
        $s = $a;
        ksort($s, SORT_STRING);
        $st = implode('', $s);
        $e['strings'] = ['input' => $st, 'md5' => strtoupper(md5($st))];
    } else {
        $e['strings'] = ['error' => 'non-string'];
    }
    $out[$c['name']] = $e;
}
echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
