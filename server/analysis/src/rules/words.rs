//! The words the operating system and the shells print for "no such file"
//! and "command not found", in the languages their message catalogues are
//! translated to (glibc's `strerror`, Windows' system messages, bash's
//! `%s: command not found`). A rule matching a missing program would
//! otherwise see the failure only when the build ran in English.
//!
//! They are macros that expand to string literals, so a rule can `concat!`
//! them into its trigger patterns (which are `const`), or pass them with
//! other literals to `regex!`, which concatenates its parts.

/// glibc's text for ENOENT in its translations, Windows' "the system cannot
/// find the file specified" in a few, and Rust's own `program not found`.
macro_rules! no_such_file {
    () => {
        "No such file or directory|Datei oder Verzeichnis nicht gefunden|Aucun fichier ou (?:dossier|répertoire) de ce type|No existe el (?:archivo|fichero) o (?:el )?directorio|File o directory non esistente|Arquivo ou diretório (?:inexistente|não encontrado)|Ficheiro ou pasta inexistente|Нет такого файла или каталога|Немає такого файла або каталогу|Няма такъв файл или директория|Нема такве датотеке или директоријума|没有那个文件或目录|沒有此一檔案或目錄|そのようなファイルやディレクトリはありません|그런 파일이나 디렉터리가 없습니다|Nie ma takiego pliku ani katalogu|Bestand of map bestaat niet|Filen eller katalogen finns inte|Ingen s[åa]dan fil eller filkatalog|Ingen slik fil eller filkatalog|Tiedostoa tai hakemistoa ei ole|Nincs ilyen fájl vagy könyvtár|Adresář nebo soubor neexistuje|Adresár alebo súbor neexistuje|Böyle bir dosya ya da dizin yok|Không có tập tin hoặc thư mục như vậy|Tidak ada berkas atau direktori seperti itu|Δεν υπάρχει τέτοιο αρχείο ή κατάλογος|Nema takve datoteke ili direktorija|El fitxer o directori no existeix|Non hai tal ficheiro ou directorio|Toks failas ar aplankas neegzistuoja|Datoteka ali imenik s tem imenom ne obstaja|The system cannot find the (?:file|path) specified|Das System kann die angegebene Datei nicht finden|Le fichier spécifié est introuvable|El sistema no puede encontrar el archivo especificado|Impossibile trovare il file specificato|O sistema não pode encontrar o arquivo especificado|Не удается найти указанный файл|系统找不到指定的文件|指定されたファイルが見つかりません|지정된 파일을 찾을 수 없습니다|program not found"
    };
}
pub(crate) use no_such_file;

/// bash's `%s: command not found` in its translations (the text after the
/// name), tcsh's `Command not found`, dash's and busybox's `not found`.
macro_rules! command_not_found {
    () => {
        "[Cc]ommand not found|not found|Befehl nicht gefunden|Kommando nicht gefunden|commande introuvable|orden no encontrada|no se encontró la orden|comando no encontrado|comando non trovato|comando não encontrado|команда не найдена|команду не знайдено|командата не е открита|нема такве наредбе|未找到命令|找不到命令|指令找不到|コマンドが見つかりません|명령어를 찾을 수 없음|nie znaleziono polecenia|příkaz nenalezen|príkaz nenájdený|kommando ikke fundet|kommandot finns inte|εντολή δεν βρέθηκε|komentoa ei löydy|naredba nije pronađena|parancs nem található|perintah tidak ditemukan|opdracht niet gevonden|comandă negăsită|komut yok|không tìm thấy lệnh|no s'ha trobat l'ordre|non se atopou a orde|[Kk]omando ne trovita|komanda nerasta|ukaza ni mogoče najti"
    };
}
pub(crate) use command_not_found;

/// glibc's loader: `error while loading shared libraries` in its translations.
macro_rules! loading_shared_libraries {
    () => {
        "error while loading shared libraries|памылка падчас загрузкі супольных бібліятэкаў|грешка при свързване на споделени библиотеки|error en carregar les biblioteques dinàmiques|chyba během načítání sdílených knihoven|fejl ved indlæsning af delte biblioteker|Fehler beim Laden der Shared Libraries|eraro dum ŝargo de komunaj bibliotekoj|error al cargar las bibliotecas compartidas|virhe ladattaessa jaettuja kirjastoja|erreur lors du chargement des librairies partagées|erro ao carga-las bibliotecas compartidas|greška pri učitavanju zajedničkih biblioteka|hiba a megosztott programkönyvtárak betöltésekor|error ketika melod perpustakaan terbagi|errore durante il caricamento delle librerie condivise|共有ライブラリのロード中にエラーが発生しました|동적 라이브러리를 읽어들이는데 오류가 발생했습니다|klaida įkeliant bendrąsias bibliotekas|fout bij laden van gedeelde bibliotheken|błąd podczas wczytywania bibliotek dzielonych|erro ao carregar bibliotecas partilhadas|erro ao carregar bibliotecas compartilhadas|ошибка при загрузке разделяемых библиотек|chyba počas načítavania zdieľaných knižníc|napaka ob nalaganju deljene knjižnice|грешка приликом учитавања дељених библиотека|fel när delade bibliotek laddades|paylaşımlı kitaplıklar yüklenirken hata oluştu|помилка під час спроби завантажити бібліотеки спільного використання|gặp lỗi khi nạp thư viện dùng chung|载入共享库时出错|載入共用函式庫時發生錯誤"
    };
}
pub(crate) use loading_shared_libraries;

/// glibc's text for ENOEXEC (a binary for another machine) in its translations.
macro_rules! exec_format_error {
    () => {
        "Exec format error|Неправилен формат за изпълним файл|L’executable té un format erroni|Chybný formát spustitelného souboru|Ugyldigt format på eksekverbar fil|Fehler im Format der Programmdatei|Σφάλμα στη διαμόρφωση του εκτελέσιμου|Formato de ejecutable incorrecto|Käynnistettävän tiedoston muoto virheellinen|Erreur de format pour exec\\(\\)|Exec erro de formato|Greška u formatu izvršne datoteke|Érvénytelen végrehajtható fájlformátum|Format eksekusi error|Formato eseguibile non valido|実行形式エラー|Exec 형식 오류|Paleidžiamojo failo formato klaida|Ugyldig format på eksekverbar fil|Verkeerd uitvoerbaar bestand|Błędny format pliku wykonywalnego|Erro de formato do executável|Erro no formato exec|Ошибка формата выполняемого файла|Chybný formát spustiteľného súboru|Napaka v zapisu izvedljive datoteke|Грешка формата извршавања|Formatfel på körbar fil|Çalıştırılabilir biçem hatası|Помилка, пов’язана з форматом виконуваних файлів|Lỗi định dạng thực hiện|可执行文件格式错误|可執行檔格式錯誤"
    };
}
pub(crate) use exec_format_error;

/// bash's `cannot execute binary file` in its translations.
macro_rules! cannot_execute_binary {
    () => {
        "cannot execute binary file|двоичният файл не може да бъде изпълнен|no es pot executar el fitxer binari|binární soubor nelze spustit|Kann die Binärdatei nicht ausführen|αδυναμία εκτέλεσης δυαδικού αρχείου|no se puede ejecutar fichero binario|impossible d'exécuter le fichier binaire|a bináris nem hajtható végre|tidak dapat menjalankan berkas binary|バイナリファイルを実行できません|이진 파일을 실행할 수 없음|klarte ikke å kjøre binærfil|nie można uruchomić pliku binarnego|impossível executar (?:o arquivo )?binário|nu se poate executa fișierul binar|не удаётся запустить бинарный файл|не могу да извршим бинарну датотеку|det går inte att köra binär fil|ikili dosya çalıştırılamıyor|не вдалося виконати бінарний файл|không thể thực hiện tập tin nhị phân|无法执行二进制文件|無法執行二進位檔案"
    };
}
pub(crate) use cannot_execute_binary;

/// Windows' "the system cannot find the path specified" (os error 3) in the
/// languages of its system messages, and "the file" (os error 2) in those
/// [`no_such_file`] lacks.
macro_rules! path_not_found {
    () => {
        "The system cannot find the path specified|Das System kann den angegebenen Pfad nicht finden|Le chemin d.accès spécifié est introuvable|El sistema no puede (?:encontrar|hallar) la ruta especificada|Impossibile trovare il percorso specificato|O sistema não pode encontrar o caminho especificado|Системе не удается найти указанный путь|系统找不到指定的路径|系統找不到指定的路徑|指定されたパスが見つかりません|지정된 경로를 찾을 수 없습니다|System nie może odnaleźć określonej ścieżki|Sistem belirtilen yolu bulamıyor|系統找不到指定的檔案|Nie można odnaleźć określonego pliku|Sistem belirtilen dosyayı bulamıyor"
    };
}
pub(crate) use path_not_found;

/// glibc's text for EACCES in its translations, and Windows' "Access is
/// denied" (os error 5) in a few.
macro_rules! permission_denied {
    () => {
        "Permission denied|Keine Berechtigung|Permission non accordée|Permiso denegado|Permesso negato|Permissão negada|Отказано в доступе|权限不够|拒絕不符權限的操作|許可がありません|허가 거부|Brak dostępu|Erişim engellendi|Access is denied|Zugriff verweigert|Accès refusé|Acceso denegado|Accesso negato|Acesso negado|拒绝访问|存取被拒|アクセスが拒否されました|액세스가 거부되었습니다|Odmowa dostępu"
    };
}
pub(crate) use permission_denied;

/// cmd.exe's "'X' is not recognized as an internal or external command" in
/// the languages of Windows (German cmd wraps it after `oder`).
macro_rules! not_a_command {
    () => {
        "is not recognized as an internal or external command|ist entweder falsch geschrieben oder|konnte nicht gefunden werden|n.est pas reconnu en tant que commande interne|no se reconoce como un comando interno|non è riconosciuto come comando interno|não é reconhecido como um comando interno|не является внутренней или внешней|不是内部或外部命令|不是內部或外部命令|内部コマンドまたは外部コマンド|내부 또는 외부 명령|nie jest rozpoznawany jako polecenie wewnętrzne|iç ya da dış komut"
    };
}
pub(crate) use not_a_command;

#[cfg(test)]
mod tests {
    #[test]
    fn the_word_lists_compile_as_alternations() {
        for words in [
            no_such_file!(),
            command_not_found!(),
            loading_shared_libraries!(),
            exec_format_error!(),
            cannot_execute_binary!(),
            path_not_found!(),
            permission_denied!(),
            not_a_command!(),
        ] {
            let pattern = regex::Regex::new(&format!("^(?:{words})$")).expect("a valid list");
            assert!(!pattern.is_match(""));
        }
        let enoent = regex::Regex::new(no_such_file!()).expect("valid");
        assert!(enoent.is_match("Filen eller katalogen finns inte"));
        let missing = regex::Regex::new(command_not_found!()).expect("valid");
        assert!(missing.is_match("명령어를 찾을 수 없음"));
    }
}
