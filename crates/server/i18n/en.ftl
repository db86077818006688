# Inkstone's pages in English. Every id here must also be in zh-CN.ftl (a test checks).

app-name = Inkstone
skip-to-content = Skip to the main content
nav-label = Main
language = Language
sign-out = Sign out
footer = Inkstone runs on your school's own server. Your data stays here.
go-home = Go to my start page
back = Back
cancel = Cancel
yes = Yes
no = No

nav-learn = My classes
nav-results = My results
nav-practice = Practice
nav-family = My children
nav-teach = Classes
nav-admin = Administration

notice-saved = Saved.
notice-already-saved = This form had already been sent, so nothing was saved twice.
notice-attendance-saved = Attendance saved.
notice-assignment-created = Assignment created. Enter the results below when you have them.
notice-results-saved = Results saved.
notice-consent-given = Consent given.
notice-consent-withdrawn = Consent withdrawn. Processing for it stops from now on.
notice-signed-out = You have signed out.
notice-signed-in = You are signed in.
notice-roster-imported = The roster was imported.

error-title = Error { $status }
error-internal = Something went wrong on the server. Please try again; if it happens again, tell the school's IT administrator the reference below.
error-forbidden = You may not do this.
error-not-found = This page does not exist, or it is not one you may open.
error-invalid = Please check what you entered.
error-conflict = This already exists.
error-unavailable = This service is not available right now (for example, the AI model is not installed). Please try again later or ask your administrator.
error-consent-required = This needs consent for { $purpose }. Ask { $who }.
error-stale-form = This form has expired (you may have signed in again elsewhere). Go back, reload the page and send it again.
error-detail = Details:
error-not-for-you = This page is not for your role. If you think you should see it, ask the school's administrator.
ask-guardian = a guardian
ask-student_or_guardian = the student or a guardian

sign-in = Sign in
sign-in-title = Sign in
sign-in-failed = The username or password is wrong.
sign-in-throttled = Too many failed sign-ins. Try again in { $seconds } seconds.
sign-in-help = Forgot your password? Your teacher or the school's administrator can reset it.
session-ended-kept = You were signed out before your form was sent. Sign in again: what you typed has been kept.
session-ended = You were signed out. Sign in again, then choose the file and upload it again.
username = Username
password = Password
resubmit-title = Send your form
resubmit-lead = You are signed in again. What you typed before was kept; check it and send it now.
resubmit-kept = { $n ->
    [one] { $n } field kept
   *[other] { $n } fields kept
}
resubmit-send = Send it now
resubmit-discard = Discard it and go to my start page

chart-no-data = No data yet.
chart-results-title = Results over time
chart-results-caption = Each dot is one result, as a percentage of the maximum score; the table below lists them.
chart-results-desc = { $n } results, from { $low } to { $high }; the first was { $first } and the latest { $last }.
chart-student-results-title = Results of { $name } over time
chart-completion-title = Results recorded per assignment
chart-completion-caption = How many students of the class have a result in each assignment.
chart-completion-desc = { $n } assignments; { $complete } have a result for every student.
chart-distribution-title = Students by mean score
chart-distribution-caption = Each column counts the students whose mean score falls in the band.
chart-bands-desc = Below 60%: { $b0 }; 60 to 69%: { $b1 }; 70 to 79%: { $b2 }; 80 to 89%: { $b3 }; 90 to 100%: { $b4 } students.

category-assignment = Assignment
category-exam = Exam
category-term_grade = Term grade
state-done = Done
state-missing = Missing
state-open = Open

learn-title = My classes
results-title = My results
practice-title = Today's practice
reviews-title = My reviews
back-to-classes = Back to my classes
no-classes = No classes yet.
taught-by = Teachers: { $names }
progress = Progress
n-of-m = { $n } of { $m }
mean-score = Mean score
attendance = Attendance
missing-work = Missing
due-on = due { $date }
due = Due
results-over-time = Results over time
no-results = No results yet.
results-table = Results, newest first
date = Date
class = Class
classes = Classes
assignment = Assignment
score = Score
attendance-present = Present
attendance-late = Late
attendance-absent = Absent
attendance-excused = Excused

teach-title = Classes
grade-n = Grade { $grade }
record-attendance = Record attendance
new-assignment = New assignment
grading-queue = Grading queue
needs-help = Who needs help now
needs-help-rule = Listed when the mean score is below { $mean }, { $missing } or more assignments are past due without a result, or attendance is below { $attendance }.
needs-help-none = Nobody in this class meets these signs right now.
flag-low-mean = mean score { $mean }
flag-missing = { $n ->
    [one] { $n } missing assignment
   *[other] { $n } missing assignments
}
flag-low-attendance = attendance { $rate }
assignment-status = Assignment status
no-assignments = No assignments yet. Create one to start recording results.
results-in = Results in
score-distribution = Score distribution
kp-heat-map = Knowledge points
students = Students
students-n = { $n ->
    [one] { $n } student
   *[other] { $n } students
}
attendance-title = Attendance: { $class }
note = Note
note-for = Note for { $name }
save-attendance = Save attendance
back-to-class = Back to { $class }
new-assignment-title = New assignment: { $class }
assignment-name = Name
category = Kind
assigned-on = Assigned on
max-score = Maximum score
create-assignment = Create the assignment
results-form-title = { $item }: results in { $class }
max-score-is = Maximum score { $max }
enter-results = Results (leave a row empty to skip that student)
grade-letter = Grade
comment = Comment
score-for = Score for { $name }
grade-for = Grade for { $name }
comment-for = Comment for { $name }
save-results = Save results
grading-title = Grading queue: { $class }
invalid-date = Enter the date as a calendar date, for example 2026-11-16.
invalid-form = Something in this form was not understood. Reload the page and try again.
invalid-title = Give the assignment a name of 1 to 200 characters.
invalid-max-score = The maximum score must be a number above 0 and at most 10000.
invalid-score = The score for { $name } must be a number from 0 to { $max }.
invalid-too-long = The grade (up to 20 characters) or comment (up to 2000) for { $name } is too long.

about = About
name = Name
student-number = Student number
grade = Grade
birth-date = Date of birth
national-id = National student ID
guardians = Guardians
history = School record
consents = Consents
admin-record-admission = Admission
admin-record-status_change = Status change
admin-record-transfer_out = Transfer out
admin-record-transfer_in = Transfer in
admin-record-award = Award
admin-record-graduation = Graduation
admin-record-withdrawal = Withdrawal

family-title = My children
no-children = No children are linked to your account. Ask the school to link them.
purpose-adaptive_learning = adaptive learning
purpose-adaptive_learning-explain = Practice chosen for your child from their answers, and reminders to review.
purpose-ai_assistance = AI assistance
purpose-ai_assistance-explain = Feedback, simpler wording and reading aloud from the school's own AI models, on the school's server.
purpose-wellbeing_screening = wellbeing screening
purpose-wellbeing_screening-explain = Short validated questionnaires about wellbeing, read only by a trained person at the school.
purpose-research_sharing = research sharing
purpose-research_sharing-explain = Data with names removed, shared beyond the school for research or county statistics.
consents-lead = Optional uses of your child's data happen only with consent. You can withdraw it at any time; processing stops from then on.
consent-never = Not given.
consent-given-on = Given on { $date } by { $by }.
consent-withdrawn-on = Withdrawn on { $date }.
given-by-student = the student
given-by-guardian = a guardian
given-by-school_on_behalf_of_guardian = the school, from a guardian's signed form
consent-give = Give consent for { $purpose }
consent-withdraw = Withdraw consent for { $purpose }
who-looked = Who looked at this record
who-looked-lead = Every time someone reads or changes your child's record, it is written down here, with the reason they were allowed.
who-looked-none = Nobody has opened this record yet.
when = When
who = Who
what = What
audit-who-you = You
audit-who-own = The student
audit-who-guardian = A guardian
audit-who-teacher = A teacher of the student
audit-who-counselor = A counselor at the school
audit-who-school_admin = A school administrator
audit-who-county_admin = A county administrator
audit-who-province_admin = A province administrator
audit-who-national_admin = A national administrator
audit-who-duty = An administrator with a recorded duty
audit-who-operator = The server's operator
audit-who-someone = Someone without permission (refused)
audit-action-read = read
audit-action-update = changed
audit-action-create = added
audit-action-list = listed
audit-action-denied = was refused
audit-action-read-audit = read this list
audit-action-read-sensitive = read the national ID
audit-action-give-consent = gave consent
audit-action-withdraw-consent = withdrew consent
audit-action-login = signed in
audit-action-transfer-out = transferred the record out
audit-action-transfer-in = received the record

admin-title = Administration
roster-title = Roster import
people-title = People
audit-title = Audit log
backup-title = Backups
schools = Schools
schools-caption = Schools at a glance (averages are hidden for groups under five)
school = School
teachers = Teachers
roster-file = OneRoster 1.2 file (.zip)
roster-file-help = The zip exported by your student information system. An import is all or nothing: if any row has a problem, nothing changes and every problem is listed.
roster-allow-mass-deletion = Allow this import to delete more than half of the records that earlier imports brought
roster-import = Import
roster-choose-file = Choose the roster zip file to import.
roster-upload-failed = The upload did not arrive whole. Try again.
roster-too-large = The file is larger than { $mb } MB.
roster-imported = Imported
roster-imported-files = What each file changed
file = File
mode = Mode
written = Added or updated
deleted = Deleted
roster-guardianships = { $n ->
    [one] { $n } guardian link
   *[other] { $n } guardian links
}
roster-skipped = Files Inkstone does not import:
roster-rejected = Not imported: nothing was changed
roster-rejected-lead = Correct these rows in the roster export and upload it again.
roster-problems = { $n ->
    [one] { $n } problem
   *[other] { $n } problems
}
line = Line
column = Column
reason = Reason
roster-more = …and { $n } more problems not listed.
role = Role
all-roles = All roles
role-student = Student
role-guardian = Guardian
role-teacher = Teacher
role-aide = Teaching aide
role-counselor = Counselor
role-school_admin = School administrator
role-county_admin = County administrator
role-province_admin = Province administrator
role-national_admin = National administrator
search-names = Name, username or number
search = Search
no-people = Nobody matches.
enabled = Can sign in
pages = Pages
first-page = First page
next-page = Next page
audit-verify = Verify the log
audit-head = The log's latest entry (its anchor):
audit-anchor-help = Write the anchor down somewhere else (on paper, or in the county's records). Verifying against an anchor you kept finds even a rewrite of the whole log.
audit-anchor = Anchor you kept (optional)
audit-verify-button = Verify
audit-anchor-invalid = The anchor should look like 1234:followed-by-64-hex-digits.
audit-intact = The log is intact: { $n } entries checked, ending at { $head }.
audit-broken = The log has been tampered with: { $problem }
audit-recent = Recent entries, newest first
subject = Record
basis = Allowed as
detail = Detail
older-entries = Older entries
backup-lead = Backups are made on the server itself by the person who runs it, with the inkstone command, while the server keeps running.
backup-make = Make a backup now
backup-make-help = On the server, run:
backup-sqlite = The copy is consistent even while people use the server, and is checked (database integrity and audit chain) before it is called a backup.
backup-postgres = On PostgreSQL this runs pg_dump (one consistent snapshot); install the PostgreSQL client tools on the server.
backup-schedule = Every night
backup-schedule-help = To back up every night at 02:30, add this line to the crontab of the user that runs Inkstone:
backup-anchor = Keep the audit anchor with the backup
backup-anchor-help = Write this down with each backup. Later, this command proves the log was not rewritten since:
backup-restore = Restoring
backup-restore-help = Stop the server first. Restoring checks the backup before it replaces the database:

# Adaptive practice, mastery, reviews and the class heat map.
nav-mastery = Mastery
nav-reviews = Reviews
subject-label = Subject
practice-correct = Correct!
practice-wrong = Not quite.
practice-your-answer = Your answer: { $answer }
practice-expected = Expected: { $answer }
feedback-blank = You did not write an answer.
feedback-unreadable = The answer could not be read as a number or an expression; check the signs and brackets.
feedback-not-equivalent = It is not equal to the expected answer.
feedback-equivalent = It is equal to the expected answer.
practice-hint-kp = Hint: this question practises “{ $kp }”. Work out how the expected answer is reached, then try the next question.
practice-hint = Hint: work out how the expected answer is reached, then try the next question.
practice-mastery-now = { $kp }: mastery now { $pct }
practice-needs-consent = Practice that adapts to you needs consent first: { $who } can give it on the family pages.
practice-no-subjects = No subject has practice on this server yet.
practice-next = Your next question
practice-why = Why this one: { $reason }
practice-check = Check my answer
practice-upcoming = Coming up next
practice-nothing = Nothing to practise right now. Well done!
practice-answer-empty = Write an answer first.
practice-answer-too-long = An answer may be at most { $max } characters.
practice-go = Practise now
mastery-title = My mastery map
mastery-mastered = Mastered
mastery-learning = Learning
mastery-not-started = Not started
mastery-locked = Not open yet
mastery-table = Every knowledge point
knowledge-point = Knowledge point
mastery = Mastery
kp-status = Status
answers = Answers
grade-other = Other
chart-mastery-title = Mastery of each knowledge point
chart-mastery-desc = { $n } knowledge points: { $mastered } mastered, { $learning } being learnt, { $notstarted } not started.
chart-mastery-caption = One square per knowledge point, in the order of the curriculum; a dot marks a review that is due.
reviews-due-n = { $n ->
    [one] { $n } review due today
   *[other] { $n } reviews due today
}
reviews-none-due = Nothing to review today.
reviews-recall = predicted recall { $pct }
reviews-start = Start reviewing
reviews-later = Coming up
heat-included = { $n } students with consent are included; { $without } without consent are left out.
heat-stuck = Where the class is stuck
heat-stuck-none = Nobody is struggling with a knowledge point right now.
chart-heat-title = Class mastery of each knowledge point
chart-heat-desc = { $n } knowledge points: mean mastery 80% or more on { $high }, below 50% on { $low }; someone is struggling on { $stuck }.
chart-heat-caption = Darker squares are better mastered; a dot marks a knowledge point where someone is struggling.
heat-table = Knowledge points where students practise
heat-mean = Mean mastery
heat-mastered = Mastered
heat-struggling = Struggling
heat-reviews = Reviews due
heat-no-subjects = No subject has practice on this server yet.
mastery-no-consent = Adaptive practice is off for this student: no consent has been given for it.
mastery-section = Mastery of knowledge points
assignment-table = Assignments: results in, missing and mean score
who-looked-table = Reads and changes of the record, newest first
heat-untouched = nobody has started

# Assignments from the item bank, grading and answer sheets.
notice-grades-accepted = The suggested grades were accepted.
notice-grades-released = Grades released: students and families can see them now.
notice-grade-overridden = Grade changed.
notice-handed-in = Your answers were handed in.
quiz-new = New assignment from the item bank
quiz-new-title = New assignment from the item bank
quiz-none = No assignments from the item bank yet.
quiz-table = Assignments from the item bank and their grading
quiz-items = Questions
quiz-students = Students who answered
quiz-flagged = To look at
quiz-released = Released
quiz-needs-title = Give the assignment a name.
quiz-needs-items = Choose at least one question from the bank.
bank-search = Find questions
bank-items = Questions from the item bank
bank-empty = No question in the bank matches.
queue-counts = { $students ->
    [one] 1 student answered
   *[other] { $students } students answered
  } ({ $submissions ->
    [one] 1 answer
   *[other] { $submissions } answers
  }); { $flagged ->
    [one] 1 suggestion
   *[other] { $flagged } suggestions
  } to look at; { $released } released.
queue-empty = Nobody has handed in answers yet.
queue-table = Answers with the suggested grades
quiz-question = Question
quiz-answer = Answer
quiz-suggested = Points
quiz-confidence = Confidence
quiz-look = look at this
grade-override = Change the grade
points-for = Points for { $name }
grades-accept-all = Accept all suggested grades
grades-release = Release the grades
invalid-points = Enter the points as a number.
grade-status-suggested = suggested
grade-status-accepted = accepted
grade-status-overridden = changed by the teacher
grade-status-released = released
item-n = Question { $n }
blank-n = Blank { $n }
true = True
false = False
quiz-closed = closed
quiz-total = Your total: { $points }
quiz-points = { $points } of { $max } points
quiz-hand-in = Hand in my answers
quiz-no-answers = Answer at least one question before handing in.
quizzes = Assignments to answer
kind-single_choice = single choice
kind-multiple_choice = multiple choice
kind-true_false = true or false
kind-numeric = number
kind-math = maths
kind-fill_in = fill in the blanks
kind-ordering = ordering
kind-matching = matching
kind-free_text = written answer

## Item analysis of an assignment
analysis-link = Item analysis
analysis-title = Item analysis: { $title }
analysis-none = Nobody has handed in answers yet, so there is nothing to analyse.
analysis-summary = { $students ->
    [one] 1 student handed in
   *[other] { $students } students handed in
  }; mean total { $mean } of { $max } points (standard deviation { $sd }).
analysis-reliability = Reliability: KR-20 { $kr20 }, Cronbach's alpha { $alpha }.
analysis-unscored = { $n ->
    [one] 1 answer has no grade yet and counts as 0.
   *[other] { $n } answers have no grade yet and count as 0.
  }
analysis-lead = Difficulty is the share of the points students earned (higher is easier). Discrimination is how well a question separates stronger from weaker students: below 0.2 deserves a look, below 0 usually means a wrong key. A dash means too few answers to tell.
analysis-table = Each question's difficulty, discrimination, options and flags
analysis-difficulty = Difficulty
analysis-discrimination = Discrimination
analysis-alpha-without = Alpha without it
analysis-blank = Left blank
analysis-options = Options chosen
analysis-key = key
analysis-flags = To look at
analysis-back = Back to the grading queue
chart-analysis-title = Difficulty and discrimination of each question
chart-analysis-caption = Each dot is a question, numbered; red dots are flagged. The shaded band is where questions work well.
chart-analysis-desc = { $n } questions drawn, { $flagged } of them flagged; { $undefined } without enough answers to draw.
chart-analysis-tip = { $item }: difficulty { $p }, discrimination { $d }
chart-analysis-x = Difficulty (share of the points earned)
chart-analysis-y = Discrimination
flag-too-hard = too hard (difficulty { $p })
flag-too-easy = too easy (difficulty { $p })
flag-low-discrimination = low discrimination ({ $d })
flag-negative-discrimination = negative discrimination ({ $d }): check the key
flag-no-variance = everybody scored the same
flag-many-blanks = { $share } left it blank
flag-distractor-strong = option { $option } attracts strong students
flag-distractor-never = option { $option } was never chosen
flag-alpha-rises = reliability rises to { $alpha } without it
